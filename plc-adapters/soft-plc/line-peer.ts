// The test rig's "real line" stand-in: a line model and its built-in control program run
// together in lock-step (core/engine/lockstep.ts), paced to the wall clock, behind a protocol
// server (OPC UA by default) that exposes the PLC's I/O as a real line's PLC would: its outputs
// (m1.run ...), its inputs (pe1.blocked ...) and the condition signals a drive reports
// (temperature, power, energy, vibration, overloads) and bin counters. Everything is
// read-only to clients: a shadow twin reads it, nothing writes it. Component and signal faults
// can be given at start (with `at` times) and injected at run time.
// The line starts on the first read request a client makes, so a twin that connects later
// still sees the line from its start (the stand-in has a seeded item source; see docs/shadow.md).

import type { LineFile } from '../../physics/model.ts';
import type { FaultInfo, FaultSpec, LineFault } from '../../physics/fault-spec.ts';
import { loadLineFile } from '../../core/config/line-file.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import { DeadlineGrid } from '../../core/engine/deadline-grid.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { TwinloopError } from '../../core/errors.ts';
import type { ControlProgram, ImageEntry } from '../sim/program.ts';
import type { ProcessImage, SoftPlcServer } from './soft-plc-server.ts';
import { softPlcServers } from './servers.ts';
import { DEFAULT_PROGRAM } from '../sim/sim-adapter.ts';

export interface LinePeerOptions {
  readonly line: LineFile | string;
  /** Built-in program that runs the line (default `sorting`). */
  readonly program?: string;
  readonly protocol?: string;
  readonly host?: string;
  readonly port?: number;
  readonly seed?: number;
  /** Faults from the start or at their `at` time (simulated s). */
  readonly faults?: readonly LineFault[];
  /** Start the line on the first client read (default true); false starts at once. */
  readonly startOnFirstRead?: boolean;
  readonly cycleMs?: number;
}

export interface LinePeer {
  readonly endpoint: string;
  /** Signal name -> protocol address. */
  readonly addresses: Map<string, string>;
  readonly server: SoftPlcServer;
  readonly lockstep: Lockstep;
  /** Simulated seconds of the line. */
  time(): number;
  started(): boolean;
  inject(spec: FaultSpec): FaultInfo;
  close(): Promise<void>;
}

/** Steps one wake may run to catch up (a stalled host drops the rest and rebases). */
const CATCH_UP_STEPS = 2000;

/** Exposed signals: every line signal but the item mimic slots, plus controller-only outputs. */
function exposed(line: LineFile, program: string): { entries: ImageEntry[]; defs: ReturnType<typeof runSignals>; tagMap: ReturnType<typeof defaultTagMap> } {
  const tagMap = defaultTagMap({ name: 'line', protocol: 'sim', program });
  const defs = runSignals(line, tagMap);
  const entries = defs.filter((d) => !d.name.startsWith('items.')).map((d) => ({ address: d.name, type: d.type }));
  return { entries, defs, tagMap };
}

export async function startLinePeer(o: LinePeerOptions): Promise<LinePeer> {
  const base = typeof o.line === 'string' ? loadLineFile(o.line) : o.line;
  const line: LineFile = { ...base, ...(o.seed !== undefined ? { seed: o.seed } : {}), faults: [...((base.faults as LineFault[] | undefined) ?? []), ...(o.faults ?? [])] };
  const program = o.program ?? DEFAULT_PROGRAM;
  const cycleMs = o.cycleMs ?? 10;
  const { entries, defs, tagMap } = exposed(line, program);
  const lockstep = await Lockstep.create(line, defs, { name: 'line', protocol: 'sim', program, cycleMs }, tagMap);
  const ids = Int32Array.from(entries, (e) => defs.findIndex((d) => d.name === e.address));
  const pseudo: ControlProgram = { name: 'line', io: { inputs: [], outputs: entries }, scan() {}, reset() {} };
  const image: ProcessImage = { program: pseudo, inputs: new Float64Array(0), outputs: new Float64Array(entries.length) };
  const publish = (): void => {
    for (let k = 0; k < ids.length; k++) image.outputs[k] = lockstep.values[ids[k]!]!;
    server.afterScan?.();
  };
  const make = softPlcServers[o.protocol ?? 'opcua'];
  if (!make) throw new TwinloopError('CFG_INVALID', `no soft PLC server for protocol "${o.protocol}"; known: ${Object.keys(softPlcServers).join(', ')}`);
  const server = make();
  for (let k = 0; k < ids.length; k++) image.outputs[k] = lockstep.values[ids[k]!]!;
  const { endpoint } = await server.start(image, { host: o.host ?? '127.0.0.1', port: o.port ?? 0 });
  const addresses = new Map(entries.map((e) => [e.address, server.addressOf(e, 'output')] as const));

  const dt = lockstep.model.dt;
  const grid = new DeadlineGrid(cycleMs, 5);
  let t0 = -1;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const waitFirstRead = o.startOnFirstRead ?? true;
  const wake = (): void => {
    timer = undefined;
    if (closed) return;
    const now = performance.now();
    if (t0 < 0 && (!waitFirstRead || server.counters.reads > 0)) {
      t0 = now;
      grid.start(now);
    }
    if (t0 >= 0) {
      grid.advance(now);
      const target = Math.floor((now - t0) / 1000 / dt);
      let n = target - lockstep.tick;
      if (n > CATCH_UP_STEPS) {
        t0 += (n - CATCH_UP_STEPS) * dt * 1000;
        n = CATCH_UP_STEPS;
      }
      if (n > 0) {
        lockstep.run(n);
        publish();
      }
    }
    timer = setTimeout(wake, t0 >= 0 ? Math.max(0, grid.next - performance.now()) : cycleMs);
  };
  timer = setTimeout(wake, 0);

  return {
    endpoint,
    addresses,
    server,
    lockstep,
    time: () => lockstep.time,
    started: () => t0 >= 0,
    inject: (spec) => lockstep.model.injectFault(spec),
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      if (server.dispose) await server.dispose();
      else await server.stop();
    },
  };
}
