// What the queue tests share: a real redis-server on a free 127.0.0.1 port (no persistence, or
// AOF in the test's folder for the restart test), twinloop worker processes started as a user
// starts them, and a bounded wait for a line in a process's output.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../plc-adapters/soft-plc/free-port.ts';
import { parseQueueUrl, type QueueConnection } from '../../core/queue/queue-address.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const REDIS_SERVER = '/usr/bin/redis-server';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'twinloop-queue-test-'));
}

/** Every process the tests started, so cleanup stops them even when a start timed out. */
const started: Proc[] = [];

/** Stop every process still running (an `after` hook: a live child would keep the test's process alive). */
export async function stopAll(): Promise<void> {
  await Promise.all(started.map((p) => p.stop()));
}

/** A process with its output collected, and a wait for a pattern in it. */
export class Proc {
  readonly child: ChildProcess;
  out = '';
  constructor(child: ChildProcess) {
    this.child = child;
    started.push(this);
    child.stdout?.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.out += d.toString()));
  }

  /** Waits (bounded) until the output matches; returns the match. */
  async waitFor(re: RegExp, ms: number, from = 0): Promise<RegExpMatchArray> {
    const end = Date.now() + ms;
    for (;;) {
      const m = this.out.slice(from).match(re);
      if (m) return m;
      if (this.child.exitCode !== null || Date.now() > end) throw new Error(`no ${re} in ${ms} ms (exit ${this.child.exitCode}):\n${this.out.slice(-2000)}`);
      await sleep(50);
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill(signal);
    await Promise.race([exited, sleep(10_000).then(() => void this.child.kill('SIGKILL'))]);
  }
}

export interface RedisProc {
  readonly port: number;
  readonly url: string;
  readonly connection: QueueConnection;
  proc: Proc;
  /** Start (again) on the same port and folder. */
  start(): Promise<void>;
}

/** redis-server on a free port; `aofDir`: append-only file there, fsync'd at every write. */
export async function startRedis(aofDir?: string): Promise<RedisProc> {
  const port = await freePort('127.0.0.1');
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...(aofDir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', aofDir] : ['--appendonly', 'no'])];
  const url = `redis://127.0.0.1:${port}`;
  const r: RedisProc = {
    port,
    url,
    connection: parseQueueUrl(url),
    proc: undefined as unknown as Proc,
    async start() {
      r.proc = new Proc(spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
      await r.proc.waitFor(/Ready to accept connections/, 10_000);
    },
  };
  await r.start();
  return r;
}

/** `twinloop worker` as a child process (one pool thread, short lock for the stall tests). */
export async function startWorker(url: string, cacheDir: string, lockMs = 2000): Promise<Proc> {
  const p = new Proc(spawn(process.execPath, ['--import', 'tsx', 'core/cli/main.ts', 'worker', '--queue', url, '--threads', '1', '--lock-ms', String(lockMs), '--cache', cacheDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
  // Generous: three workers boot tsx at once, and this machine may be shared.
  await p.waitFor(/taking jobs from/, 120_000);
  return p;
}

/** Three workers, started together (each boots tsx: seconds on a busy machine). */
export function startWorkers(url: string, dir: string, lockMs = 2000): Promise<Proc[]> {
  return Promise.all([1, 2, 3].map((k) => startWorker(url, join(dir, `cache${k}`), lockMs)));
}
