// Structured requests from the main thread to the physics worker (force, release, faults) and
// their replies. They travel on a MessagePort that the worker reads synchronously with
// receiveMessageOnPort when the control block says so: a running worker never returns to its
// event loop, so ordinary 'message' events would never fire.

import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import type { OnlineVar } from '../../plc-adapters/st/st-program.ts';

export type WorkerRequest =
  | { id: number; t: 'force'; signal: number; value: number }
  | { id: number; t: 'release'; signal: number }
  | { id: number; t: 'inject'; spec: FaultSpec }
  | { id: number; t: 'clear'; fault: number }
  | { id: number; t: 'list-faults' }
  | { id: number; t: 'program-vars'; path: string | null }
  | { id: number; t: 'program-set'; path: string; text: string; force: boolean }
  | { id: number; t: 'program-release'; path: string | null }
  | { id: number; t: 'program-forces' };

export type WorkerReply =
  | { id: number; ok: true; fault?: FaultInfo; faults?: FaultInfo[]; vars?: OnlineVar[]; forces?: { path: string; text: string }[] }
  | { id: number; ok: false; code: string; message: string };
