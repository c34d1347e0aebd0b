// Tick lateness of the 1 kHz physics worker running the demo line with the HMI serving 10
// WebSocket clients, next to a bare worker loop with the same sleep method, measured in the
// same run. Also: fast-mode speed of the demo line as a multiple of real time, next to the
// same lock-stepped line stepped in-thread with no worker, publishing or HMI.

import { pino } from 'pino';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startRun, defaultTagMap, runSignals } from '../core/engine/engine.ts';
import { loadLineFile } from '../core/config/line-file.ts';
import { Lockstep } from '../core/engine/lockstep.ts';
import { createServer } from '../hmi/server/server.ts';
import type { BareResult } from './bare-worker.ts';
import { workerResult } from './timing.ts';

const LINE = 'examples/sorting.yaml';
const CONTROLLER = { name: 'plc1', protocol: 'sim', program: 'sorting', cycleMs: 10 } as const;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function bare(seconds: number): Promise<BareResult & { cpu: number }> {
  const c0 = cpuMs();
  const r = await workerResult<BareResult>(new URL('./bare-worker.ts', import.meta.url), { seconds, spinMs: 0.3, periodMs: 1 });
  return { ...r, cpu: (cpuMs() - c0) / (seconds * 1000) };
}

async function twin(seconds: number, clients: number): Promise<{ p50: number; p99: number; max: number; overruns: number; wakes: number; ticks: number; frames: number; cpu: number }> {
  const run = await startRun({ linePath: LINE, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'twinloop-bench-'));
  const server = await createServer({ run, port: 0, logger: false, dataDir });
  // The clients log in as a viewer, as an operator's browser would.
  const password = randomBytes(12).toString('base64url');
  await server.auth.users.add('bench', 'viewer', password);
  const res = await fetch(`${server.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench', password, bearer: true }) });
  const { token } = (await res.json()) as { token: string };
  // The clients live in their own process, as browsers do; they share the machine's 2 cores.
  const child = fork(fileURLToPath(new URL('./hmi-clients.ts', import.meta.url)), [server.url.replace(/^http/, 'ws') + '/ws', String(clients), String(seconds + 30), token], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = (t: string): Promise<{ t: string; frames?: number }> =>
    new Promise((resolve, reject) => {
      const on = (m: { t: string; frames?: number }): void => {
        if (m.t !== t) return;
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`HMI clients exited with ${code}`)));
    });
  await next('connected');
  // Warm up (JIT, sockets), then measure from a reset so the histogram covers only the window.
  await new Promise((r) => setTimeout(r, 1000));
  await run.reset();
  child.send({ t: 'reset' });
  const c0 = cpuMs();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s = run.status();
  const cpu = (cpuMs() - c0) / (seconds * 1000);
  const done = next('frames');
  child.send({ t: 'stop' });
  const frames = (await done).frames ?? 0;
  await server.close();
  await run.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { p50: s.stats.lateP50, p99: s.stats.lateP99, max: s.stats.lateMax, overruns: s.stats.overruns, wakes: s.stats.wakes, ticks: s.stats.ticks, frames, cpu };
}

async function fastMode(seconds: number): Promise<{ worker: number; inThread: number }> {
  const run = await startRun({ linePath: LINE, pace: { kind: 'fast' }, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  await new Promise((r) => setTimeout(r, 500));
  const t0 = performance.now();
  const s0 = run.status().time;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const worker = (run.status().time - s0) / ((performance.now() - t0) / 1000);
  await run.close();

  const line = loadLineFile(LINE);
  const tagMap = defaultTagMap(CONTROLLER);
  const ls = await Lockstep.create(line, runSignals(line, tagMap), CONTROLLER, tagMap);
  ls.run(100_000); // warm-up
  const w0 = performance.now();
  const sim0 = ls.time;
  while (performance.now() - w0 < seconds * 1000) ls.run(10_000);
  const inThread = (ls.time - sim0) / ((performance.now() - w0) / 1000);
  return { worker, inThread };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function tickBench(log: (line: string) => void): Promise<void> {
  // The machine's own stalls drift over tens of seconds, so the baseline and the twin are
  // measured in alternating rounds and compared round by round (median of the rounds' p99).
  const seconds = Number(process.env.BENCH_TICK_SECONDS ?? 20);
  const rounds = Math.max(1, Number(process.env.BENCH_TICK_ROUNDS ?? 4));
  const per = seconds / rounds;
  log(`## 1 kHz tick lateness: ${rounds} alternating rounds of ${per} s each (${seconds} s per loop), µs, 10 µs buckets`);
  log('| round | bare p50 | bare p99 | bare max | twin p50 | twin p99 | twin max | twin overruns | frames/s per client |');
  log('|---|---|---|---|---|---|---|---|---|');
  const bs: Awaited<ReturnType<typeof bare>>[] = [];
  const ts: Awaited<ReturnType<typeof twin>>[] = [];
  for (let r = 0; r < rounds; r++) {
    const b = await bare(per);
    const t = await twin(per, 10);
    bs.push(b);
    ts.push(t);
    log(`| ${r + 1} | ${b.p50.toFixed(0)} | ${b.p99.toFixed(0)} | ${b.max.toFixed(0)} | ${t.p50.toFixed(0)} | ${t.p99.toFixed(0)} | ${t.max.toFixed(0)} | ${t.overruns} | ${(t.frames / per / 10).toFixed(1)} |`);
  }
  const sum = (xs: { wakes: number }[]): number => xs.reduce((a, x) => a + x.wakes, 0);
  const bP99 = median(bs.map((b) => b.p99));
  const tP99 = median(ts.map((t) => t.p99));
  const over = ts.reduce((a, t) => a + t.overruns, 0);
  log(`bare worker, same sleep (baseline): ${sum(bs)} wakes, p99 median ${bP99.toFixed(0)} µs, overruns ${bs.reduce((a, b) => a + b.overruns, 0)}, process CPU ${(median(bs.map((b) => b.cpu)) * 100).toFixed(0)} %`);
  log(`demo line + 10 HMI clients:         ${sum(ts)} wakes, p99 median ${tP99.toFixed(0)} µs, overruns ${over} (${((100 * over) / Math.max(1, sum(ts))).toFixed(3)} %), process CPU ${(median(ts.map((t) => t.cpu)) * 100).toFixed(0)} %`);
  log(`p99 ratio twin/bare: ${(tP99 / Math.max(1, bP99)).toFixed(2)} (target <= 1.5)`);
  const fastSeconds = Number(process.env.BENCH_FAST_SECONDS ?? 5);
  log(`\n## Fast mode, demo line (simulated seconds per wall second, over ${fastSeconds} s)`);
  const f = await fastMode(fastSeconds);
  log('| run | x real time |');
  log('|---|---|');
  log(`| lock-step in-thread, no worker/publish (baseline) | ${f.inThread.toFixed(0)} |`);
  log(`| physics worker, fast pace, publishing | ${f.worker.toFixed(0)} | (target >= 1000)`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await tickBench((l) => console.log(l));
}
