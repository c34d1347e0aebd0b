// Sparkplug B publishing of 10,000 metrics with 10 % changing at 10 Hz (issue 21): the 1 kHz
// tick's lateness and the process's CPU with the edge node sampling, next to the same run with
// it idle. The line is bench/paced-line-worker.ts (deterministic: the same tenth of the signals
// changes every 100 ms, under the physics worker's SCHED_FIFO policy where allowed); the broker
// is Debian's mosquitto on 127.0.0.1, the primary host a subscriber in its own process.
// On and off alternate every second within one worker run, and the worker files each wake's
// lateness under the phase it fell in, so both sides see the same load from the rest of the
// machine (on a shared 2-core box that load moves p99 by 2-10x between runs). The values change
// only in the on-phases, so no sample carries more than 100 ms of changes. Both device mappings are measured (a device per component: one
// DDATA per changed component; `devices: node`: one NDATA per sample).
// Bounded: 2 mappings x PHASES x 1 s, plus setup.

import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { SparkplugEdgeNode } from '../core/integration/sparkplug/edge-node.ts';
import { SignalTable } from '../core/signals.ts';
import { Broker, settingsFor, until } from '../test/integration/sparkplug-fixtures.ts';
import type { BareResult } from './bare-worker.ts';
import { COMPONENTS, FIELDS, wideCatalog } from './wide-catalog.ts';
import { procCpuMs, startLine } from './paced-line.ts';

/** One-second phases per mapping, alternating off/on (even: off). */
const PHASES = Number(process.env.BENCH_SPARKPLUG_PHASES ?? 30);
const PHASE_MS = 1000;
const SAMPLE_MS = 100;


const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};




const fmt = (r: BareResult): string => `${r.p50.toFixed(0)}/${r.p99.toFixed(0)}/${r.max.toFixed(0)}`;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function sparkplugBench(log: (line: string) => void): Promise<void> {
  const defs = wideCatalog();
  const table = SignalTable.create(defs);
  const broker = await Broker.start();
  const store = mkdtempSync(join(tmpdir(), 'twinloop-bench-spb-'));
  const host = fork(fileURLToPath(new URL('./sparkplug-host.ts', import.meta.url)), [broker.url, 'bench'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const answer = <T>(t: string): Promise<T> =>
    new Promise((resolve) => {
      const on = (m: { t: string }): void => {
        if (m.t !== t) return;
        host.off('message', on);
        resolve(m as T);
      };
      host.on('message', on);
    });
  try {
    await answer('ready');
    log(`sparkplug: ${defs.length} metrics (${COMPONENTS} components x ${FIELDS.length}), 10 % changing every 100 ms, sampled at 10 Hz; mosquitto on 127.0.0.1, host in its own process`);
    log(`  1 kHz worker publishing the table; edge node idle (off) and sampling (on) alternating every second, ${PHASES / 2} s each; lateness µs p50/p99/max (10 µs buckets)`);
    log('  devices    off p50/p99/max  on p50/p99/max  p99 on/off  process CPU % off/on  edge node CPU %  broker CPU %  msgs/s  metrics/s  MB/s');
    let policy = '';
    for (const devices of ['component', 'node'] as const) {
      const node = new SparkplugEdgeNode({ table, lineName: 'bench', settings: settingsFor(broker.url, join(store, devices), { group: 'bench', node: devices, devices }), logger: pino({ level: 'warn' }), manualSampling: true });
      await until(() => node.state === 'live', 10_000, 'the edge node to go live');
      await sleep(500);
      const phase = new SharedArrayBuffer(4);
      const word = new Int32Array(phase);
      const { done: result } = await startLine(defs, table, phase, (PHASES * PHASE_MS) / 1000 + 0.5);
      host.send({ t: 'reset' });
      const s0 = node.stats();
      const cpu = [0, 0];
      const brokerCpu = [0, 0];
      for (let p = 0; p < PHASES; p++) {
        const on = p % 2;
        Atomics.store(word, 0, on);
        const c0 = cpuMs();
        const b0 = procCpuMs(broker.pid);
        const timer = on ? setInterval(() => node.sampleNow(), SAMPLE_MS) : undefined;
        await sleep(PHASE_MS);
        if (timer !== undefined) clearInterval(timer);
        cpu[on]! += cpuMs() - c0;
        brokerCpu[on]! += procCpuMs(broker.pid) - b0;
      }
      Atomics.store(word, 0, 0);
      const r = await result;
      policy = r.policy;
      if (process.env.BENCH_DEBUG) log(`  wakes off ${r.off.wakes} on ${r.on.wakes} overruns ${r.overruns}`);
      const s1 = node.stats();
      host.send({ t: 'count' });
      const counted = await answer<{ messages: number; bytes: number }>('count');
      await node.close();
      const onMs = (PHASES / 2) * PHASE_MS;
      const share = (ms: number): string => ((ms / onMs) * 100).toFixed(1);
      log(
        `  ${devices.padEnd(9)}  ${fmt(r.off).padStart(15)}  ${fmt(r.on).padStart(14)}  ${(r.on.p99 / r.off.p99).toFixed(2).padStart(10)}  ${`${share(cpu[0]!)}/${share(cpu[1]!)}`.padStart(20)}  ${share(cpu[1]! - cpu[0]!).padStart(15)}  ${share(brokerCpu[1]!).padStart(12)}  ${((counted.messages / onMs) * 1000).toFixed(0).padStart(6)}  ${(((s1.changes - s0.changes) / onMs) * 1000).toFixed(0).padStart(9)}  ${((counted.bytes / onMs) * 1000 / 1e6).toFixed(2).padStart(4)}`,
      );
    }
    log(`  line worker scheduling: ${policy}; target: p99 on within 10 % of off`);
  } finally {
    host.send({ t: 'stop' });
    await broker.close();
    rmSync(store, { recursive: true, force: true });
  }
}
