// The soft PLC runner: a built-in control program scanned on its own cycle (a deadline grid,
// so scans do not drift), owning the process image that a protocol server exposes. The demo
// and the protocol tests run twinloop against it through a real wire.

import { TwinloopError } from '../../core/errors.ts';
import { DeadlineGrid } from '../../core/engine/deadline-grid.ts';
import { isSourceSpec, loadProgram, programs } from '../sim/program-source.ts';
import type { ControlProgram } from '../sim/program.ts';
import type { ProcessImage, SoftPlcServer } from './soft-plc-server.ts';
import { softPlcServers } from './servers.ts';

export interface SoftPlcOptions {
  /** A built-in program name (`sorting`) or a program object (tests). */
  readonly program: string | ControlProgram;
  /** Protocol of the server (a key of softPlcServers), ignored when `server` is given. */
  readonly protocol: string;
  /** A server instance to use instead of the map's (e.g. with security options). */
  readonly server?: SoftPlcServer;
  readonly host?: string;
  /** TCP port; 0 (default) = any free port. */
  readonly port?: number;
  /** Scan period in ms (default 10). */
  readonly cycleMs?: number;
}

export interface SoftPlc {
  readonly endpoint: string;
  /** Image address (`pe1.blocked`) -> protocol address (`ns=1;s=pe1.blocked`). */
  readonly addresses: Map<string, string>;
  readonly server: SoftPlcServer;
  readonly image: ProcessImage;
  readonly program: ControlProgram;
  /** Scans run so far. */
  readonly scans: () => number;
  /** Stop scanning (the server keeps serving the last image). */
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

// Timers fire late by a ms or so; waking slightly early and checking the grid keeps scans on it.
const MAX_CATCH_UP = 5;

/** Start a soft PLC: program + scan timer + protocol server on 127.0.0.1. */
export async function startSoftPlc(options: SoftPlcOptions): Promise<SoftPlc> {
  if (typeof options.program === 'string' && !isSourceSpec(options.program) && !programs[options.program]) {
    throw new TwinloopError('CFG_INVALID', `unknown built-in program "${String(options.program)}"; known: ${Object.keys(programs).join(', ')}`);
  }
  // A built-in TypeScript program or Structured Text: its PROGRAM inputs and outputs (and located
  // variables) are the image the server exposes, by name and type.
  const program = typeof options.program === 'string' ? loadProgram(options.program) : options.program;
  const make = softPlcServers[options.protocol];
  const server = options.server ?? make?.();
  if (!server) {
    throw new TwinloopError('CFG_INVALID', `no soft PLC server for protocol "${options.protocol}"; known: ${Object.keys(softPlcServers).join(', ')}`);
  }
  const cycleMs = options.cycleMs ?? 10;
  const image: ProcessImage = { program, inputs: new Float64Array(program.io.inputs.length), outputs: new Float64Array(program.io.outputs.length) };
  // PLC scan semantics: inputs are frozen for the scan (copied from the terminals the server
  // writes), outputs are latched to the terminals the server reads only after the scan.
  const inImage = new Float64Array(image.inputs.length);
  const outImage = new Float64Array(image.outputs.length);
  const { endpoint } = await server.start(image, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const addresses = new Map<string, string>();
  for (const e of program.io.inputs) addresses.set(e.address, server.addressOf(e, 'input'));
  for (const e of program.io.outputs) addresses.set(e.address, server.addressOf(e, 'output'));

  let scans = 0;
  let paused = false;
  let timer: NodeJS.Timeout | undefined;
  const grid = new DeadlineGrid(cycleMs, MAX_CATCH_UP);
  const scanOnce = (): void => {
    inImage.set(image.inputs);
    program.scan(inImage, outImage, cycleMs);
    image.outputs.set(outImage);
    server.afterScan?.();
    scans++;
  };
  const wake = (): void => {
    timer = undefined;
    if (paused) return;
    const now = performance.now();
    const due = grid.advance(now);
    for (let k = 0; k < due; k++) scanOnce();
    timer = setTimeout(wake, Math.max(0, grid.next - performance.now()));
  };
  const startTimer = (): void => {
    grid.start(performance.now());
    timer = setTimeout(wake, cycleMs);
  };
  startTimer();

  return {
    endpoint,
    addresses,
    server,
    image,
    program,
    scans: () => scans,
    pause() {
      paused = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    resume() {
      if (!paused) return;
      paused = false;
      startTimer();
    },
    async close() {
      paused = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (server.dispose) await server.dispose();
      else await server.stop();
    },
  };
}
