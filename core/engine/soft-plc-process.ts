// Starts a soft PLC (a built-in program behind a real protocol server) as a separate process,
// for `npm start -- --plant examples/sorting-opcua.yaml`: the demo then runs through the wire,
// exactly as it would against a real controller. The child dies with its parent (stdin-lifetime).
// Benchmarks and tests start their peers through it too.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TwinloopError } from '../errors.ts';

const MAIN = fileURLToPath(new URL('../../plc-adapters/soft-plc/main.ts', import.meta.url));
// A process that compiles its sources through tsx at start: ~3 s on a quiet machine, past 30 s on
// a loaded one (measured at load average 25).
const START_TIMEOUT_MS = 60_000;

export interface SoftPlcProcess {
  readonly endpoint: string;
  readonly addresses: Readonly<Record<string, string>>;
  readonly child: ChildProcess;
  close(): Promise<void>;
}

export interface SoftPlcProcessOptions {
  readonly program: string;
  readonly protocol: string;
  readonly port?: number;
  readonly cycleMs?: number;
  /** With program `echo`: how many loop-back tags (benchmarks, tests). */
  readonly tags?: number;
}

/** @throws TwinloopError PLC_NOT_CONNECTED when the soft PLC does not come up in time. */
export async function startSoftPlcProcess(o: SoftPlcProcessOptions): Promise<SoftPlcProcess> {
  const args = ['--import', 'tsx', MAIN, '--program', o.program, '--protocol', o.protocol, '--port', String(o.port ?? 0), '--cycle', String(o.cycleMs ?? 10), ...(o.tags !== undefined ? ['--tags', String(o.tags)] : []), '--stdin-lifetime'];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const started = await new Promise<{ endpoint: string; addresses: Record<string, string> }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new TwinloopError('PLC_NOT_CONNECTED', `soft PLC (${o.protocol}, ${o.program}) did not start within ${START_TIMEOUT_MS / 1000} s: ${err.trim()}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // node-opcua may print its own lines: ours is the one that starts with {"endpoint".
      const line = out.split('\n').find((l) => l.startsWith('{"endpoint"'));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { endpoint: string; addresses: Record<string, string> });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new TwinloopError('PLC_NOT_CONNECTED', `soft PLC (${o.protocol}, ${o.program}) exited with code ${code}: ${err.trim()}`));
    });
  });
  child.stdout.removeAllListeners('data');
  child.stdout.resume();
  return {
    ...started,
    child,
    close: () => stopChild(child),
  };
}

/** SIGTERM a peer process and wait for it to exit; SIGKILL if it has not within 3 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
