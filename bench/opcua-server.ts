// The twin's OPC UA server with 10,000 variables and 10 subscribed clients (issue 21): the 1 kHz
// tick's lateness and the process's CPU with the server sampling and publishing, next to the
// same run with it idle. The line is bench/paced-line-worker.ts (deterministic: a different
// tenth of the 10,000 signals changes every 100 ms while the phase is on, under the physics
// worker's SCHED_FIFO policy where allowed); the clients are in their own process
// (bench/opcua-server-clients.ts: SignAndEncrypt, each monitoring all 10,000 variables by
// exception, 100 ms publishing). On and off alternate every second within one worker run, so
// both sides see the same background load; "off" is the server listening with its 10 sessions
// and 100,000 monitored items but nothing changing and no sample taken, which is what the tick
// sees of a run without the server plus the server's idle keep-alives.
// Bounded: PHASES x 1 s plus setup (client subscriptions take ~10-30 s).

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { AuditLog } from '../core/audit/audit-log.ts';
import { UserStore } from '../core/auth/user-store.ts';
import type { RunControl, RunStatus } from '../core/engine/run-control.ts';
import { opcuaServerSettings } from '../core/integration/opcua-server/settings.ts';
import { TwinOpcuaServer } from '../core/integration/opcua-server/twin-server.ts';
import { SignalTable } from '../core/signals.ts';
import type { BareResult } from './bare-worker.ts';
import { pct } from './timing.ts';
import { COMPONENTS, FIELDS, wideCatalog } from './wide-catalog.ts';
import { procCpuMs, startLine } from './paced-line.ts';

const CLIENTS = Number(process.env.BENCH_OPCUA_SERVER_CLIENTS ?? 10);
/** One-second phases, alternating off/on (even: off). */
const PHASES = Number(process.env.BENCH_OPCUA_SERVER_PHASES ?? 30);
const PHASE_MS = 1000;
const SAMPLE_MS = 100;
const USER = 'bench';
const PASSWORD = 'bench password 1';


/** The least of a RunControl the server needs: a table and a status. */
function benchRun(table: SignalTable): RunControl {
  const status: RunStatus = {
    state: 'running',
    mode: 'virtual',
    pace: { kind: 'realtime', factor: 1 },
    tick: 0,
    time: 0,
    dt: 0.001,
    stats: { ticks: 0, wakes: 0, lateP50: 0, lateP99: 0, lateMax: 0, overruns: 0, stepsPerSecond: 0, realtimeFactor: 0 },
    controllers: [],
  };
  const none = async (): Promise<void> => undefined;
  return { table, lineName: 'bench', layout: [], status: () => ({ ...status, tick: table.tick, time: table.time }), pause: none, resume: none, step: none, reset: none, setPace: none, close: none };
}

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};


const fmt = (r: BareResult): string => `${r.p50.toFixed(0)}/${r.p99.toFixed(0)}/${r.max.toFixed(0)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));


export async function opcuaServerBench(log: (line: string) => void): Promise<void> {
  const defs = wideCatalog();
  const table = SignalTable.create(defs);
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-bench-opcua-server-'));
  const users = new UserStore(dir);
  await users.add(USER, 'viewer', PASSWORD);
  const audit = new AuditLog(join(dir, 'audit.jsonl'));
  const settings = opcuaServerSettings({ port: '0' }, { acceptUnknownClients: true }, dir)!;
  const server = new TwinOpcuaServer({ run: benchRun(table), settings, users, audit, logger: pino({ level: 'warn' }), manualSampling: true });
  await server.start();
  server.sampleNow(); // the initial values, before anyone subscribes
  const t0 = performance.now();
  const clients = fork(fileURLToPath(new URL('./opcua-server-clients.ts', import.meta.url)), [server.endpoint, String(CLIENTS), String(defs.length), USER, PASSWORD, join(dir, 'client-pki')], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const answer = <T>(t: string, ms: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the clients did not answer ${t} within ${ms} ms`)), ms);
      const on = (m: { t: string; message?: string }): void => {
        if (m.t === 'error') reject(new Error(`the clients failed: ${m.message}`));
        if (m.t !== t) return;
        clearTimeout(timer);
        clients.off('message', on);
        resolve(m as T);
      };
      clients.on('message', on);
    });
  try {
    await answer('ready', 240_000);
    log(`opcua-server: ${defs.length} variables (${COMPONENTS} components x ${FIELDS.length}), ${CLIENTS} clients (SignAndEncrypt Basic256Sha256) each monitoring all of them by exception, 100 ms publishing; subscribed in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    log(`  1 kHz worker publishing the table, 10 % of it changing every 100 ms in on-phases; server idle (off) and sampling at 10 Hz (on) alternating every second, ${PHASES / 2} s each; lateness µs p50/p99/max (10 µs buckets)`);
    log('  off p50/p99/max  on p50/p99/max  p99 on/off  server process CPU % off/on  clients CPU % on  notifications/s');
    await sleep(1000);
    const phase = new SharedArrayBuffer(4);
    const word = new Int32Array(phase);
    const { done } = await startLine(defs, table, phase, (PHASES * PHASE_MS) / 1000 + 0.5);
    clients.send({ t: 'reset' });
    const updates0 = server.samplerStats?.updates ?? 0;
    const cpu = [0, 0];
    const clientCpu = [0, 0];
    // Duration of each sample (snapshot, diff, ~1,000 setValueFromSource and the change events
    // node-opcua fires to the 10 clients' monitored items synchronously).
    const sampleMs: number[] = [];
    for (let p = 0; p < PHASES; p++) {
      const on = p % 2;
      Atomics.store(word, 0, on);
      const c0 = cpuMs();
      const k0 = procCpuMs(clients.pid);
      const timer = on
        ? setInterval(() => {
            const t = performance.now();
            server.sampleNow();
            sampleMs.push(performance.now() - t);
          }, SAMPLE_MS)
        : undefined;
      await sleep(PHASE_MS);
      if (timer !== undefined) clearInterval(timer);
      cpu[on]! += cpuMs() - c0;
      clientCpu[on]! += procCpuMs(clients.pid) - k0;
    }
    Atomics.store(word, 0, 0);
    const r = await done;
    clients.send({ t: 'count' });
    const counted = await answer<{ notifications: number }>('count', 30_000);
    const sideMs = (PHASES / 2) * PHASE_MS;
    const share = (ms: number): string => ((ms / sideMs) * 100).toFixed(1);
    log(
      `  ${fmt(r.off).padStart(15)}  ${fmt(r.on).padStart(14)}  ${(r.on.p99 / r.off.p99).toFixed(2).padStart(10)}  ${`${share(cpu[0]!)}/${share(cpu[1]!)}`.padStart(27)}  ${share(clientCpu[1]!).padStart(16)}  ${((counted.notifications / sideMs) * 1000).toFixed(0).padStart(15)}`,
    );
    const perSample = ((server.samplerStats?.updates ?? 0) - updates0) / Math.max(1, sampleMs.length);
    log(`  one sample (snapshot, diff, ${perSample.toFixed(0)} changed values on average, each reaching 10 monitored items): median ${pct(sampleMs, 0.5).toFixed(2)} ms, p99 ${pct(sampleMs, 0.99).toFixed(2)} ms, max ${Math.max(...sampleMs).toFixed(1)} ms over ${sampleMs.length} samples`);
    log(`  line worker scheduling: ${r.policy}; overruns ${r.overruns}; target: p99 on within 10 % of off`);
  } finally {
    clients.send({ t: 'stop' });
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        clients.kill();
        resolve();
      }, 10_000);
      clients.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
    });
    await server.close();
    audit.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
