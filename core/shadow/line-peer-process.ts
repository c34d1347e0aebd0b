// Starts the shadow test rig's "real line" stand-in (plc-adapters/soft-plc/line-peer.ts) as
// its own process, like startSoftPlcProcess does for soft PLCs: `npm start` with a plant file
// whose controller has `softLine:`, the wire tests and the benchmark. Faults go in at start
// (with `at` times) and at run time through inject(), a JSON line on the child's stdin.
// The child dies with its parent (stdin closes).

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TwinloopError } from '../errors.ts';
import { stopChild } from '../engine/soft-plc-process.ts';
import type { FaultInfo, FaultSpec, LineFault } from '../../physics/fault-spec.ts';

const MAIN = fileURLToPath(new URL('../../plc-adapters/soft-plc/main.ts', import.meta.url));
// A process that compiles its sources through tsx at start: ~3 s on a quiet machine, past 30 s on
// a loaded one (measured at load average 25).
const START_TIMEOUT_MS = 60_000;
const INJECT_TIMEOUT_MS = 5_000;

export interface LinePeerProcess {
  readonly endpoint: string;
  readonly addresses: Readonly<Record<string, string>>;
  readonly child: ChildProcess;
  inject(spec: FaultSpec): Promise<FaultInfo>;
  /** Values read and written by clients, as the stand-in's server counted them. */
  counters(): Promise<{ reads: number; writes: number }>;
  /** SIGKILL: a link loss as abrupt as a pulled cable. */
  kill(): void;
  close(): Promise<void>;
}

export interface LinePeerProcessOptions {
  readonly line: string;
  readonly program?: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly seed?: number;
  readonly faults?: readonly LineFault[];
}

/** @throws TwinloopError PLC_NOT_CONNECTED when the stand-in does not come up in time. */
export async function startLinePeerProcess(o: LinePeerProcessOptions): Promise<LinePeerProcess> {
  const args = ['--import', 'tsx', MAIN, '--program', 'line', '--line', o.line, '--protocol', o.protocol ?? 'opcua', '--port', String(o.port ?? 0), '--faults', JSON.stringify(o.faults ?? []), ...(o.seed !== undefined ? ['--seed', String(o.seed)] : []), '--stdin-lifetime'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  // stdout carries JSON lines: the start line, then one answer per injection.
  const waiting: ((line: Record<string, unknown>) => void)[] = [];
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const text = out.slice(0, nl);
      out = out.slice(nl + 1);
      if (!text.startsWith('{"')) continue; // node-opcua's own lines
      try {
        waiting.shift()?.(JSON.parse(text) as Record<string, unknown>);
      } catch {
        // not ours
      }
    }
  });
  const started = await new Promise<{ endpoint: string; addresses: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TwinloopError('PLC_NOT_CONNECTED', `line peer did not start within ${START_TIMEOUT_MS / 1000} s: ${err.trim()}`));
    }, START_TIMEOUT_MS);
    waiting.push((l) => {
      clearTimeout(timer);
      resolve(l as unknown as { endpoint: string; addresses: Record<string, string> });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new TwinloopError('PLC_NOT_CONNECTED', `line peer exited with code ${code}: ${err.trim()}`));
    });
  });
  child.removeAllListeners('exit');
  return {
    ...started,
    child,
    inject: (spec) =>
      new Promise<FaultInfo>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TwinloopError('RUN_BAD_REQUEST', 'line peer did not answer the fault injection')), INJECT_TIMEOUT_MS);
        waiting.push((l) => {
          clearTimeout(timer);
          if (l['injected']) resolve(l['injected'] as FaultInfo);
          else reject(new TwinloopError('FAULT_INVALID', String(l['error'])));
        });
        child.stdin.write(`${JSON.stringify({ inject: spec })}\n`);
      }),
    counters: () =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new TwinloopError('RUN_BAD_REQUEST', 'line peer did not answer')), INJECT_TIMEOUT_MS);
        waiting.push((l) => {
          clearTimeout(timer);
          resolve(l['counters'] as { reads: number; writes: number });
        });
        child.stdin.write('{"counters":true}\n');
      }),
    kill: () => void child.kill('SIGKILL'),
    close: () => stopChild(child),
  };
}
