// `npm run bench -- e2e [--quick | --smoke] [--protocols opcua,ads,s7] [--modes auto,...] [--pacing economy] [--concurrent]`: a PLC change to the
// operator's screen, end to end (issue 24). --quick: 4 OPC UA, 5 ADS and 3 S7 rows of 3 x 2 s;
// --smoke: one row per protocol (poll, 1 tag, 1 client) of 3 x 1 s.
// A node-opcua server in its own process (bench/e2e-plc.ts) writes each tag's change time as
// its value, 1 or 1,000 tags at 1 Hz; twinloop (this process: the engine with its physics
// worker, the OPC UA exchange at a 10 ms cycle and the HMI server) is coupled to it in poll,
// subscription and auto (the default) mode; 1 or 100 WebSocket clients in another process
// (bench/e2e-clients.ts) decode every frame as the page does and take now - value. Beside each
// row, the baseline of the same run: a bare node-opcua client (bench/e2e-raw.ts, its own
// process) reading the same tags the same way, measured alone against the PLC once twinloop's run
// is closed (--concurrent: side by side with twinloop, as before session 13). Medians and p99 pooled over the rounds, the
// spread of the rounds' medians, and the CPU of every process over the measured rounds.
// The same for ADS (our AMS/TCP target in its own process, bench/e2e-plc-ads.ts; twinloop and
// the bare ads-client baseline, e2e-raw-ads.ts, in poll and notify mode) and S7 (node-snap7's
// S7Server, e2e-plc-s7.ts; twinloop and bare nodes7, e2e-raw-s7.ts, polling).
// Bounded: a fixed list of rows, fixed rounds, every wait with a timeout, every close bounded
// (full run: 20 rows, ~14 min with the baselines measured alone; --protocols picks the PLCs).

import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import type { RunControl } from '../core/engine/run-control.ts';
import { loadPlantFile } from '../core/config/plant-file.ts';
import { createServer, type HmiServer } from '../hmi/server/server.ts';
import { LatencyHistogram } from './e2e-histogram.ts';

type Protocol = 'opcua' | 'ads' | 's7';
const PROTOCOLS: readonly Protocol[] = ['opcua', 'ads', 's7'];
type Mode = 'poll' | 'subscription' | 'auto' | 'notify';
interface Group {
  readonly protocol: Protocol;
  readonly mode: Mode;
  readonly tags: number;
  readonly clients: readonly number[];
  /** OPC UA: the PLC server's minimum publishing interval, ms (default 50, node-opcua's usual). */
  readonly plcPublishingMs?: number;
}

const CYCLE_MS = 10;
const OPCUA_FULL: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'poll', tags: 1000, clients: [1, 100] },
  { mode: 'subscription', tags: 1, clients: [100] },
  { mode: 'subscription', tags: 1000, clients: [100] },
  { mode: 'auto', tags: 1, clients: [100] },
  { mode: 'auto', tags: 1000, clients: [100] },
  // A PLC server set to grant the 10 ms cycle: auto subscribes instead of polling.
  { mode: 'auto', tags: 1, clients: [100], plcPublishingMs: 10 },
  { mode: 'auto', tags: 1000, clients: [100], plcPublishingMs: 10 },
];
const OPCUA_QUICK: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'subscription', tags: 1000, clients: [100] },
  { mode: 'auto', tags: 1000, clients: [100] },
  { mode: 'auto', tags: 1000, clients: [100], plcPublishingMs: 10 },
];
const ADS_FULL: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'poll', tags: 1000, clients: [1, 100] },
  { mode: 'notify', tags: 1, clients: [100] },
  { mode: 'notify', tags: 1000, clients: [100] },
];
const ADS_QUICK: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'poll', tags: 1000, clients: [100] },
  { mode: 'notify', tags: 1, clients: [100] },
  { mode: 'notify', tags: 1000, clients: [100] },
];
const S7_FULL: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'poll', tags: 1000, clients: [1, 100] },
];
const S7_QUICK: readonly Omit<Group, 'protocol'>[] = [
  { mode: 'poll', tags: 1, clients: [1, 100] },
  { mode: 'poll', tags: 1000, clients: [100] },
];
const GROUPS: Record<Protocol, { full: readonly Omit<Group, 'protocol'>[]; quick: readonly Omit<Group, 'protocol'>[] }> = {
  opcua: { full: OPCUA_FULL, quick: OPCUA_QUICK },
  ads: { full: ADS_FULL, quick: ADS_QUICK },
  s7: { full: S7_FULL, quick: S7_QUICK },
};
/** Each protocol's PLC process, with the tag count it serves. */
const PLC_FILE: Record<Protocol, string> = { opcua: './e2e-plc.ts', ads: './e2e-plc-ads.ts', s7: './e2e-plc-s7.ts' };
const RAW_FILE: Record<Protocol, string> = { opcua: './e2e-raw.ts', ads: './e2e-raw-ads.ts', s7: './e2e-raw-s7.ts' };
const PROTOCOL_NAME: Record<Protocol, string> = { opcua: 'OPC UA', ads: 'ADS', s7: 'S7' };

const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A child process speaking { t } messages over IPC. */
class Child {
  readonly proc: ChildProcess;
  readonly #exit: Promise<number | null>;
  constructor(file: string, args: readonly string[]) {
    this.proc = fork(here(file), [...args], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.#exit = new Promise((resolve) => this.proc.once('exit', resolve));
  }
  /** The next message of type `t` (after sending `send`, if given), or reject after `ms`. */
  next<T>(t: string, send?: { t: string; [k: string]: unknown }, ms = 30_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.proc.off('message', on);
        reject(new Error(`${this.proc.spawnargs[this.proc.spawnargs.length - 1]}: no '${t}' within ${ms} ms`));
      }, ms);
      const on = (m: { t: string }): void => {
        if (m.t !== t) return;
        clearTimeout(timer);
        this.proc.off('message', on);
        resolve(m as T);
      };
      this.proc.on('message', on);
      if (send) this.proc.send(send);
    });
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    this.proc.send({ t: 'stop' });
    const done = await Promise.race([this.#exit.then(() => true), sleep(3000).then(() => false)]);
    if (!done) this.proc.kill();
  }
  async cpuUs(): Promise<number> {
    return (await this.next<{ us: number }>('cpu', { t: 'cpu' })).us;
  }
}

interface Row {
  label: string;
  clients: number;
  raw: LatencyHistogram;
  twin: LatencyHistogram;
  roundP50: number[];
  framesPerClientPerS: number;
  /** CPU share of a core: twinloop, the clients, the PLC and the raw client; rawPlc: the PLC in the raw client's own phase (NaN when measured side by side). */
  cpu: { twin: number; clients: number; plc: number; raw: number; rawPlc: number };
  tickP99: number;
  /** Links twinloop re-established during the row (a busy machine can starve a keep-alive). */
  reconnects: number;
  note: string;
}

export async function e2eBench(log: (line: string) => void): Promise<void> {
  const quick = process.argv.includes('--quick');
  // --smoke: one row per protocol, to see the whole chain work (a few seconds of measuring).
  const smoke = process.argv.includes('--smoke');
  const protocols = protocolsArg();
  const rounds = 3;
  const roundMs = smoke ? 1000 : quick ? 2000 : 6000;
  const dir = mkdtempSync(join(tmpdir(), 'twinloop-e2e-'));
  const twinPki = join(dir, 'twin-pki');
  const rawPki = join(dir, 'raw-pki');
  mkdirSync(twinPki);
  log(`  loopback, twinloop at a ${CYCLE_MS} ms cycle, tags changing at 1 Hz (random phase), ${rounds} rounds of ${roundMs / 1000} s per row${quick ? ' (--quick)' : smoke ? ' (--smoke)' : ''}; protocols ${protocols.join(', ')}`);
  log('  latency = decoded on the client - change time written by the PLC (ms, same host clock); CPU in % of one core over the rounds');
  log(process.argv.includes('--concurrent') ? '  raw client measured side by side with twinloop (--concurrent): the PLC serves both at once' : '  raw client measured alone after each twinloop run, against the same PLC and changes (--concurrent: side by side)');
  const rows: Row[] = [];
  try {
    for (const protocol of protocols) {
      const list = GROUPS[protocol][quick || smoke ? 'quick' : 'full'];
      const modes = modesArg();
      const groups: Group[] = (smoke ? list.slice(0, 1).map((g) => ({ ...g, clients: [1] })) : list).filter((g) => modes === null || modes.includes(g.mode)).map((g) => ({ ...g, protocol }));
      // One PLC process per server setting the groups ask for, in the order they first appear.
      const settings = [...new Set(groups.map((g) => g.plcPublishingMs ?? 50))];
      for (const publishingMs of settings) {
        const plcArgs = protocol === 'opcua' ? ['1000', join(dir, 'plc-pki'), String(publishingMs)] : ['1000'];
        const plc = new Child(PLC_FILE[protocol], plcArgs);
        try {
          const { endpoint } = await plc.next<{ endpoint: string }>('ready', undefined, 180_000);
          for (const g of groups.filter((x) => (x.plcPublishingMs ?? 50) === publishingMs)) {
            for (const row of await measureGroup(g, endpoint, { dir, twinPki, rawPki, rounds, roundMs, plc })) {
              rows.push(row);
              log(formatRow(row));
            }
          }
        } finally {
          await plc.stop();
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    exitGuard(log);
  }
  log('');
  log('  | protocol mode, tags, clients | raw client p50 / p99 | twinloop p50 / p99 | round medians | frames/s per client | CPU twinloop / clients (per client) / PLC (in the raw phase) / raw |');
  log('  |---|---|---|---|---|---|');
  for (const r of rows) {
    const c = r.cpu;
    log(`  | ${r.label}${r.reconnects > 0 ? ' (link lost)' : ''} | ${ms(r.raw.quantile(0.5))} / ${ms(r.raw.quantile(0.99))} ms | ${ms(r.twin.quantile(0.5))} / ${ms(r.twin.quantile(0.99))} ms | ${r.roundP50.map(ms).join(', ')} | ${r.framesPerClientPerS.toFixed(0)} | ${pct(c.twin)} / ${pct(c.clients)} (${pct(c.clients / r.clients)}) / ${pct(c.plc)}${Number.isNaN(c.rawPlc) ? '' : ` (${pct(c.rawPlc)})`} / ${pct(c.raw)} |`);
  }
}

/** `--protocols opcua,ads,s7` (default: all), checked. */
function protocolsArg(): Protocol[] {
  const i = process.argv.indexOf('--protocols');
  if (i < 0) return [...PROTOCOLS];
  const text = process.argv[i + 1] ?? '';
  const list = text.split(',').filter((p) => p !== '');
  const bad = list.filter((p) => !(PROTOCOLS as readonly string[]).includes(p));
  if (list.length === 0 || bad.length > 0) throw new Error(`e2e: --protocols ${JSON.stringify(text)}: expected a comma-separated list of ${PROTOCOLS.join(', ')}${bad.length > 0 ? ` (unknown: ${bad.join(', ')})` : ''}`);
  return PROTOCOLS.filter((p) => list.includes(p));
}

/** `--pacing precise|economy`: the physics worker's pacing (default: the engine's, precise). */
function pacingArg(): 'precise' | 'economy' | undefined {
  const i = process.argv.indexOf('--pacing');
  if (i < 0) return undefined;
  const p = process.argv[i + 1];
  if (p !== 'precise' && p !== 'economy') throw new Error(`e2e: --pacing ${JSON.stringify(p ?? '')}: expected precise or economy`);
  return p;
}

/** `--modes auto,poll` (default: every row's mode): only the rows of these read modes. */
function modesArg(): Mode[] | null {
  const i = process.argv.indexOf('--modes');
  if (i < 0) return null;
  const all: readonly Mode[] = ['poll', 'subscription', 'auto', 'notify'];
  const list = (process.argv[i + 1] ?? '').split(',').filter((m) => m !== '');
  const bad = list.filter((m) => !(all as readonly string[]).includes(m));
  if (list.length === 0 || bad.length > 0) throw new Error(`e2e: --modes ${JSON.stringify(process.argv[i + 1] ?? '')}: expected a comma-separated list of ${all.join(', ')}`);
  return list as Mode[];
}

/**
 * The bench must end by itself. Everything it started is closed above (children stopped or
 * killed, adapters and servers closed with a bound); should a library still hold the event loop
 * open after that, say what it is and exit rather than hang (an unref'd timer: it fires only if
 * something else keeps the process alive).
 */
function exitGuard(log: (line: string) => void): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout');
    log(`  e2e: still running 10 s after the last row (open: ${open.join(', ') || 'timers only'}); exiting`);
    process.exit(process.exitCode ?? 0);
  }, 10_000).unref();
}

interface Env {
  dir: string;
  twinPki: string;
  rawPki: string;
  rounds: number;
  roundMs: number;
  plc: Child;
}

/** The plant file coupling twinloop to the group's PLC: the line of the demo plus the tags. */
function plantYaml(g: Group, endpoint: string, twinPki: string): string {
  const address = (i: number): string => (g.protocol === 'opcua' ? `ns=1;s=T${i}` : g.protocol === 'ads' ? `E2E.T${i}` : `DB1,LREAL${8 * i}`);
  const plcType = g.protocol === 'ads' ? ', plcType: LREAL' : '';
  const tagLines = Array.from({ length: g.tags }, (_, i) => `      - { signal: e2e.t${i}, address: ${JSON.stringify(address(i))}, direction: read, type: real${plcType} }`).join('\n');
  const options: Record<Protocol, string> = {
    opcua: `opcua: { readMode: ${g.mode}, certificateFolder: ${twinPki} }`,
    ads: `ads: { notifications: ${g.mode === 'notify'} }`,
    s7: 's7: {}',
  };
  return `name: e2e
line: ${here('../examples/sorting.yaml')}
controllers:
  - name: plc1
    protocol: ${g.protocol}
    endpoint: ${endpoint}
    cycleMs: ${CYCLE_MS}
    ${options[g.protocol]}
    tags:
${tagLines}
`;
}

/**
 * One twinloop run coupled in `g.mode` to `g.tags` tags, measured with each client count; then
 * (unless --concurrent) the run is closed and the raw client measured alone against the same
 * PLC for as many rounds: a PLC serving two 1,000-tag pollers at once is a PLC twice as busy as
 * either would find it, and each would measure the other's queue (session 12: node-opcua at 90 %
 * of a core with both). --concurrent measures them side by side as sessions 10-12 did.
 */
async function measureGroup(g: Group, endpoint: string, env: Env): Promise<Row[]> {
  const { startRun } = await import('../core/engine/engine.ts');
  const file = join(env.dir, `plant-${g.protocol}-${g.mode}-${g.tags}-${g.plcPublishingMs ?? 50}.yaml`);
  writeFileSync(file, plantYaml(g, endpoint, env.twinPki));
  const pacing = pacingArg();
  const concurrent = process.argv.includes('--concurrent');
  const run = await startRun({ plant: loadPlantFile(file), plantPath: file, logger: pino({ level: 'error' }), statsLogMs: 0, ...(pacing !== undefined ? { pacing } : {}) });
  let hmi: { server: HmiServer; token: string; close(): Promise<void> } | undefined;
  let raw: Child | undefined;
  let readMode: string = g.mode;
  const rows: Row[] = [];
  try {
    await until(() => run.status().controllers[0]?.state === 'connected', 30_000, 'twinloop connected to the PLC');
    const status = run.status().controllers[0]!;
    readMode = status.readMode ?? g.mode;
    const note = g.mode === 'auto' ? `auto -> ${readMode}${status.readModeReason ? ` (${status.readModeReason})` : ''}` : g.mode === 'subscription' ? `server revised publishing to ${status.revisedPublishingMs} ms` : '';
    hmi = await hmiServer(run, env.dir);
    if (concurrent) raw = await startRaw(g, endpoint, readMode, env);
    for (const n of g.clients) rows.push(await measureRow(g, n, note, run, hmi, raw, env));
  } finally {
    await raw?.stop();
    // Bounded: a link that dropped during the row must not leave the bench waiting on a close.
    if (hmi) await bounded(hmi.close(), 10_000, 'closing the HMI server');
    await bounded(run.close(), 20_000, 'closing the run (engine and PLC adapter)');
  }
  if (!concurrent && rows.length > 0) {
    const alone = await startRaw(g, endpoint, readMode, env);
    try {
      const baseline = await measureRaw(g, alone, env);
      for (const r of rows) {
        r.raw = baseline.hist;
        r.cpu.raw = baseline.cpu;
        r.cpu.rawPlc = baseline.plcCpu;
      }
    } finally {
      await alone.stop();
    }
  }
  return rows;
}

/** The bare client of the group's protocol, reading the tags the way twinloop does in `readMode`. */
async function startRaw(g: Group, endpoint: string, readMode: string, env: Env): Promise<Child> {
  const rawArgs: Record<Protocol, string[]> = {
    opcua: [endpoint, String(g.tags), readMode === 'poll' ? 'poll' : 'subscription', String(CYCLE_MS), env.rawPki],
    ads: [endpoint, String(g.tags), g.mode, String(CYCLE_MS)],
    s7: [endpoint, String(g.tags), String(CYCLE_MS)],
  };
  const raw = new Child(RAW_FILE[g.protocol], rawArgs[g.protocol]);
  await raw.next('ready', undefined, 180_000);
  return raw;
}

/** The raw client alone against the PLC, the same rounds as a row: its histogram and CPU, and the PLC's. */
async function measureRaw(g: Group, raw: Child, env: Env): Promise<{ hist: LatencyHistogram; cpu: number; plcCpu: number }> {
  env.plc.proc.send({ t: 'change', n: g.tags });
  try {
    await sleep(2500); // as a row: a change or two under way, the JIT warm
    await raw.next('round', { t: 'round' });
    const hist = new LatencyHistogram();
    const cpu0 = { plc: await env.plc.cpuUs(), raw: await raw.cpuUs() };
    const t0 = performance.now();
    for (let r = 0; r < env.rounds; r++) {
      await sleep(env.roundMs);
      hist.merge(LatencyHistogram.fromSparse((await raw.next<{ hist: number[] }>('round', { t: 'round' })).hist));
    }
    const wallUs = (performance.now() - t0) * 1000;
    return { hist, cpu: ((await raw.cpuUs()) - cpu0.raw) / wallUs, plcCpu: ((await env.plc.cpuUs()) - cpu0.plc) / wallUs };
  } finally {
    env.plc.proc.send({ t: 'quiet' });
  }
}

async function measureRow(g: Group, n: number, note: string, run: RunControl, hmi: { server: HmiServer; token: string }, raw: Child | undefined, env: Env): Promise<Row> {
  const clients = new Child('./e2e-clients.ts', [hmi.server.url.replace('http', 'ws') + '/ws', hmi.token, String(n), 'e2e.t']);
  try {
    await clients.next('ready', undefined, 180_000);
    env.plc.proc.send({ t: 'change', n: g.tags });
    await sleep(2500); // a change or two under way, the JIT warm
    await clients.next('round', { t: 'round' });
    await raw?.next('round', { t: 'round' });
    const twin = new LatencyHistogram();
    const rawH = new LatencyHistogram();
    const roundP50: number[] = [];
    let frames = 0;
    const cpu0 = { twin: process.cpuUsage(), clients: await clients.cpuUs(), plc: await env.plc.cpuUs(), raw: (await raw?.cpuUs()) ?? 0 };
    const t0 = performance.now();
    const tick = { p99: 0 };
    const reconnects0 = run.status().controllers[0]?.reconnects ?? 0;
    for (let r = 0; r < env.rounds; r++) {
      await sleep(env.roundMs);
      const c = await clients.next<{ hist: number[]; frames: number }>('round', { t: 'round' });
      const h = LatencyHistogram.fromSparse(c.hist);
      roundP50.push(h.quantile(0.5));
      twin.merge(h);
      frames += c.frames;
      if (raw) rawH.merge(LatencyHistogram.fromSparse((await raw.next<{ hist: number[] }>('round', { t: 'round' })).hist));
      tick.p99 = Math.max(tick.p99, run.status().stats.lateP99);
    }
    const wallUs = (performance.now() - t0) * 1000;
    const self = process.cpuUsage(cpu0.twin);
    const cpu = {
      twin: (self.user + self.system) / wallUs,
      clients: ((await clients.cpuUs()) - cpu0.clients) / wallUs,
      plc: ((await env.plc.cpuUs()) - cpu0.plc) / wallUs,
      raw: raw ? ((await raw.cpuUs()) - cpu0.raw) / wallUs : 0,
      rawPlc: Number.NaN,
    };
    env.plc.proc.send({ t: 'quiet' });
    const reconnects = (run.status().controllers[0]?.reconnects ?? 0) - reconnects0;
    return { label: `${PROTOCOL_NAME[g.protocol]} ${g.mode}${g.plcPublishingMs !== undefined ? ` (PLC grants ${g.plcPublishingMs} ms)` : ''}, ${g.tags}, ${n}`, clients: n, raw: rawH, twin, roundP50, framesPerClientPerS: frames / n / (wallUs / 1e6), cpu, tickP99: tick.p99, reconnects, note };
  } finally {
    await clients.stop();
  }
}

/** The HMI server on a free port with a throwaway data folder and one logged-in viewer. */
async function hmiServer(run: RunControl, dir: string): Promise<{ server: HmiServer; token: string; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(dir, 'data-'));
  const server = await createServer({ run, port: 0, dataDir, maxClients: 200 });
  const password = 'bench password only';
  await server.auth.users.add('bench', 'viewer', password);
  const { token } = await server.auth.login('bench', password, '127.0.0.1');
  return { server, token, close: () => server.close() };
}

/** Wait for `p` at most `ms`; on timeout (or failure) say so on stderr and go on. */
async function bounded(p: Promise<unknown>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  const outcome = await Promise.race([p.then(() => 'done', (err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`), late]);
  clearTimeout(timer);
  if (outcome === 'timeout') console.error(`  e2e: ${what} took over ${ms / 1000} s; going on without it`);
  else if (outcome !== 'done') console.error(`  e2e: ${what} ${outcome}`);
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function formatRow(r: Row): string {
  return `  ${r.label.padEnd(28)} raw ${ms(r.raw.quantile(0.5))} / ${ms(r.raw.quantile(0.99))} ms (n=${r.raw.n})   twinloop ${ms(r.twin.quantile(0.5))} / ${ms(r.twin.quantile(0.99))} ms (n=${r.twin.n}; round medians ${r.roundP50.map(ms).join(', ')})   ${r.framesPerClientPerS.toFixed(0)} frames/s per client   CPU twinloop ${pct(r.cpu.twin)}, clients ${pct(r.cpu.clients)}, PLC ${pct(r.cpu.plc)}${Number.isNaN(r.cpu.rawPlc) ? '' : ` (${pct(r.cpu.rawPlc)} in the raw phase)`}, raw ${pct(r.cpu.raw)}   tick p99 ${r.tickP99.toFixed(0)} µs${r.reconnects > 0 ? `   LINK LOST ${r.reconnects}x (row not valid)` : ''}${r.note ? `   [${r.note}]` : ''}`;
}

const ms = (v: number): string => (Number.isNaN(v) ? '-' : v.toFixed(1));
const pct = (v: number): string => `${(v * 100).toFixed(0)} %`;
