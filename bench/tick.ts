// Tick lateness of the 1 kHz physics worker running the demo line with the HMI serving 10
// WebSocket clients, next to a bare worker loop with the same sleep method, measured in the
// same run. Also: fast-mode speed of the demo line as a multiple of real time, next to the
// same lock-stepped line stepped in-thread with no worker, publishing or HMI.

import { pino } from 'pino';
import WebSocket from 'ws';
import { decode } from '@msgpack/msgpack';
import { startRun, defaultTagMap, runSignals } from '../core/engine/engine.ts';
import { loadLineFile } from '../core/config/line-file.ts';
import { Lockstep } from '../core/engine/lockstep.ts';
import { createServer } from '../hmi/server/server.ts';
import type { BareResult } from './bare-worker.ts';
import { spawnWorker } from '../core/engine/spawn-worker.ts';

const LINE = 'examples/sorting.yaml';
const CONTROLLER = { name: 'plc1', protocol: 'sim', program: 'sorting', cycleMs: 10 } as const;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function bare(seconds: number): Promise<BareResult & { cpu: number }> {
  const c0 = cpuMs();
  const w = spawnWorker(new URL('./bare-worker.ts', import.meta.url), { workerData: { seconds, spinMs: 0.3, periodMs: 1 } });
  const r = await new Promise<BareResult>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  await w.terminate();
  return { ...r, cpu: (cpuMs() - c0) / (seconds * 1000) };
}

async function twin(seconds: number, clients: number): Promise<{ p50: number; p99: number; max: number; overruns: number; wakes: number; ticks: number; frames: number; cpu: number }> {
  const run = await startRun({ linePath: LINE, logger: pino({ level: 'warn' }), statsLogMs: 0 });
  const server = await createServer({ run, port: 0, logger: false });
  const sockets: WebSocket[] = [];
  let frames = 0;
  for (let k = 0; k < clients; k++) {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/ws');
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      decode(data);
      frames++;
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    sockets.push(ws);
  }
  // Warm up (JIT, sockets), then measure from a reset so the histogram covers only the window.
  await new Promise((r) => setTimeout(r, 2000));
  await run.reset();
  frames = 0;
  const c0 = cpuMs();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const s = run.status();
  const cpu = (cpuMs() - c0) / (seconds * 1000);
  for (const ws of sockets) ws.close();
  await server.close();
  await run.close();
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

export async function tickBench(log: (line: string) => void): Promise<void> {
  const seconds = Number(process.env.BENCH_TICK_SECONDS ?? 20);
  log(`## 1 kHz tick lateness over ${seconds} s (µs; 10 µs histogram buckets)`);
  const b = await bare(seconds);
  const t = await twin(seconds, 10);
  const pct = (n: number, d: number): string => `${((100 * n) / Math.max(1, d)).toFixed(3)} %`;
  log('| loop | wakes | p50 | p99 | max | overruns | process CPU |');
  log('|---|---|---|---|---|---|---|');
  log(`| bare worker, same sleep (baseline) | ${b.wakes} | ${b.p50.toFixed(0)} | ${b.p99.toFixed(0)} | ${b.max.toFixed(0)} | ${b.overruns} (${pct(b.overruns, b.wakes)}) | ${(b.cpu * 100).toFixed(0)} % |`);
  log(`| demo line + 10 HMI clients | ${t.wakes} | ${t.p50.toFixed(0)} | ${t.p99.toFixed(0)} | ${t.max.toFixed(0)} | ${t.overruns} (${pct(t.overruns, t.ticks)}) | ${(t.cpu * 100).toFixed(0)} % |`);
  log(`p99 ratio twin/bare: ${(t.p99 / Math.max(1, b.p99)).toFixed(2)} (target <= 1.5); HMI frames received: ${(t.frames / seconds / 10).toFixed(1)} /s per client`);
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
