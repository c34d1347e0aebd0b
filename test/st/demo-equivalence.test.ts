// The demo lines' Structured Text programs (examples/programs/*.st, bound by the line files'
// io: blocks) against the TypeScript programs they were translated from
// (plc-adapters/sim/*-program.ts): each line runs in lock-step twice with the same seed, once
// per program, and every controller output signal must be equal at every controller cycle
// (10 ms), and with them the whole signal table (the physics sees the same commands, so it
// must stay bit-identical too). Beyond one simulated minute per line, the cases that take the
// programs through their other paths: supervision timeouts into the fault step (a jammed
// pusher; the broken program that waits forever instead), the furnace's heat-up, door and
// charging rhythm, a sweep's tuning value, and a cold restart mid-run.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import { setProgramParams } from '../../core/scenario/runner.ts';
import type { FaultSpec } from '../../physics/fault-spec.ts';
import type { LineFile } from '../../physics/model.ts';
import type { SignalDef } from '../../core/signals.ts';
import type { TagMapping } from '../../core/exchange.ts';
import type { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';
import { StProgram } from '../../plc-adapters/st/st-program.ts';

const CYCLE_MS = 10;

interface Run {
  readonly ls: Lockstep;
  readonly defs: readonly SignalDef[];
  readonly tagMap: readonly TagMapping[];
}

async function build(line: LineFile, program: string): Promise<Run> {
  const controller = { name: 'plc1', protocol: 'sim', program, cycleMs: CYCLE_MS } as const;
  // A TypeScript program's image addresses are signal names; an ST program is bound by the
  // line's io: block.
  const tagMap = defaultTagMap(controller, line);
  const defs = runSignals(line, tagMap);
  const ls = await Lockstep.create(line, defs, controller, tagMap);
  return { ls, defs, tagMap };
}

interface Case {
  /** The line file; its `program:` is the ST program unless `st` names another. */
  readonly line: string;
  /** The TypeScript reference: a built-in program name. */
  readonly ts: string;
  readonly st?: string;
  readonly seconds: number;
  readonly faults?: readonly { readonly at: number; readonly spec: FaultSpec }[];
  readonly params?: Readonly<Record<string, number>>;
  /** Cold restart of both controllers at this simulated second. */
  readonly restartAt?: number;
}

interface Outcome {
  readonly cycles: number;
  /** Per output signal: how often it changed (to show the comparison was not of idle lines). */
  readonly changes: Readonly<Record<string, number>>;
  /** Per output signal: its value at the end. */
  readonly last: Readonly<Record<string, number>>;
}

const same = (a: number, b: number): boolean => a === b || (a !== a && b !== b);

async function compare(c: Case): Promise<Outcome> {
  const line = loadLineFile(c.line);
  const stSpec = c.st ?? line.program;
  assert.ok(stSpec !== undefined && stSpec.endsWith('.st'), `${c.line} names no ST program`);
  const ref = await build(line, c.ts);
  const st = await build(line, stSpec);
  // ST_SCAN=unobserved (or observed): the ST program runs that one of its two scans from the
  // first cycle on; by default it switches to the unobserved scan after OBSERVE_HOLD_SCANS scans.
  const mode = process.env.ST_SCAN;
  const stProgram = (st.ls.exchange!.adapter as SimAdapter).program;
  if ((mode === 'unobserved' || mode === 'observed') && stProgram instanceof StProgram) stProgram.scanMode = mode;

  // Both bind the same signals in the same directions.
  const outs = (r: Run): string[] => r.tagMap.filter((m) => m.direction === 'read').map((m) => m.signal).sort();
  const ins = (r: Run): string[] => r.tagMap.filter((m) => m.direction === 'write').map((m) => m.signal).sort();
  assert.equal(outs(st), outs(ref), 'the io: block binds the outputs of the TypeScript program');
  assert.equal(ins(st), ins(ref), 'the io: block binds the inputs of the TypeScript program');
  const names = ref.defs.map((d) => d.name);
  assert.equal([...st.defs.map((d) => d.name)].sort(), [...names].sort(), 'same signal catalog');
  const idRef = new Map(ref.defs.map((d, i) => [d.name, i] as const));
  const idSt = new Map(st.defs.map((d, i) => [d.name, i] as const));
  const outputs = outs(ref);
  const oRef = Int32Array.from(outputs, (n) => idRef.get(n)!);
  const oSt = Int32Array.from(outputs, (n) => idSt.get(n)!);
  const aRef = Int32Array.from(names, (n) => idRef.get(n)!);
  const aSt = Int32Array.from(names, (n) => idSt.get(n)!);

  if (c.params) {
    setProgramParams(ref.ls.exchange!.adapter, c.params);
    setProgramParams(st.ls.exchange!.adapter, c.params);
  }
  const spc = ref.ls.stepsPerCycle;
  assert.is(st.ls.stepsPerCycle, spc);
  const cycles = Math.round((c.seconds * 1000) / CYCLE_MS);
  const faultAt = new Map((c.faults ?? []).map((f) => [Math.round((f.at * 1000) / CYCLE_MS), f.spec] as const));
  const restartAt = c.restartAt === undefined ? -1 : Math.round((c.restartAt * 1000) / CYCLE_MS);
  const changes = new Float64Array(outputs.length);
  const prev = new Float64Array(outputs.length);
  const vr = ref.ls.values;
  const vs = st.ls.values;

  for (let k = 0; k < cycles; k++) {
    const f = faultAt.get(k);
    if (f !== undefined) {
      ref.ls.model.injectFault(f);
      st.ls.model.injectFault(f);
    }
    if (k === restartAt) {
      ref.ls.exchange!.restart();
      st.ls.exchange!.restart();
    }
    // One controller cycle: the scan, then spc physics steps.
    ref.ls.run(spc);
    st.ls.run(spc);
    for (let j = 0; j < outputs.length; j++) {
      const a = vr[oRef[j]!]!;
      const b = vs[oSt[j]!]!;
      if (!same(a, b)) {
        assert.unreachable(`${c.line} (${c.ts} vs ${stSpec.split('/').pop()}): output ${outputs[j]} differs in cycle ${k} (t = ${((k * CYCLE_MS) / 1000).toFixed(2)} s): TypeScript ${a}, ST ${b}`);
      }
      if (a !== prev[j]) changes[j]!++;
      prev[j] = a;
    }
    for (let j = 0; j < names.length; j++) {
      const a = vr[aRef[j]!]!;
      const b = vs[aSt[j]!]!;
      if (!same(a, b)) {
        assert.unreachable(`${c.line}: signal ${names[j]} differs in cycle ${k} (t = ${((k * CYCLE_MS) / 1000).toFixed(2)} s) with equal outputs: TypeScript ${a}, ST ${b}`);
      }
    }
  }
  return {
    cycles,
    changes: Object.fromEntries(outputs.map((n, j) => [n, changes[j]!])),
    last: Object.fromEntries(outputs.map((n, j) => [n, prev[j]!])),
  };
}

// ---- one simulated minute per demo line -------------------------------------------------------

test('sorting: programs/sorting.st equals the TypeScript program for 60 s (every output, every cycle)', async () => {
  const o = await compare({ line: 'examples/sorting.yaml', ts: 'sorting', seconds: 60 });
  assert.is(o.cycles, 6000);
  assert.ok(o.changes['pu1.extend']! >= 2, `at least one divert in the minute (pu1.extend changed ${o.changes['pu1.extend']} times)`);
  assert.ok(o.changes['m2.run']! >= 3, 'the sorter stopped and restarted');
  assert.is(o.last['ctl.fault'], 0);
});

test('furnace: programs/furnace.st equals the TypeScript program for 60 s', async () => {
  const o = await compare({ line: 'examples/furnace.yaml', ts: 'furnace', seconds: 60 });
  assert.is(o.cycles, 6000);
  assert.ok(o.changes['fz1.power']! >= 1, 'the PI drives the heater');
});

test('assembly: programs/assembly.st equals the TypeScript program for 60 s', async () => {
  const o = await compare({ line: 'examples/assembly.yaml', ts: 'assembly', seconds: 60 });
  assert.is(o.cycles, 6000);
  assert.ok(o.changes['coat1.on']! >= 1 && o.changes['mOut.run']! >= 1, 'outfeed started, spray interlocked with it');
});

// ---- the other paths ------------------------------------------------------------------------

test('sorting with a jammed pusher: both time the stroke out into the fault step in the same cycle', async () => {
  const o = await compare({
    line: 'examples/sorting.yaml',
    ts: 'sorting',
    seconds: 60,
    faults: [{ at: 5, spec: { target: 'signal', signal: 'pu1.extend', kind: 'stuck', value: 0 } }],
  });
  assert.is(o.last['ctl.fault'], 1, 'the jam was detected');
  assert.is(o.last['m2.run'], 0);
});

test('sorting with the sorter feedback stuck at running: the stop timeout, equal', async () => {
  const o = await compare({
    line: 'examples/sorting.yaml',
    ts: 'sorting',
    seconds: 60,
    faults: [{ at: 0, spec: { target: 'signal', signal: 'm2.running', kind: 'stuck', value: 1 } }],
  });
  assert.is(o.last['ctl.fault'], 1);
});

test('sorting-broken with a jammed pusher: both wait forever without a fault, equal', async () => {
  const line = loadLineFile('examples/sorting.yaml');
  const broken = line.program!.replace(/sorting\.st$/, 'sorting-broken.st');
  const o = await compare({
    line: 'examples/sorting.yaml',
    ts: 'sorting-broken',
    st: broken,
    seconds: 60,
    faults: [{ at: 5, spec: { target: 'signal', signal: 'pu1.extend', kind: 'stuck', value: 0 } }],
  });
  assert.is(o.changes['ctl.fault'], 0, 'never a fault');
  assert.is(o.last['m2.run'], 0, 'stuck in the divert');
});

test('sorting: a cold restart of both controllers mid-run, equal before and after', async () => {
  const o = await compare({ line: 'examples/sorting.yaml', ts: 'sorting', seconds: 60, restartAt: 20 });
  assert.ok(o.changes['pu1.extend']! >= 2);
});

test('furnace for 10 min: heat-up, ready interlock, door and charging rhythm, equal', async () => {
  const o = await compare({ line: 'examples/furnace.yaml', ts: 'furnace', seconds: 600 });
  assert.is(o.last['ctl.ready'], 1, 'zone hot');
  assert.ok(o.changes['door.extend']! >= 4, `door cycles (door.extend changed ${o.changes['door.extend']} times)`);
  assert.ok(o.changes['mIn.run']! >= 2, 'infeed held at the door and released');
});

test('furnace with a sweep value (hearthHz 33.3, set by name in both): equal for 5 min', async () => {
  const o = await compare({ line: 'examples/furnace.yaml', ts: 'furnace', seconds: 300, params: { hearthHz: 33.3 } });
  assert.is(o.last['mHearth.setpoint'], 33.3);
});

test('assembly with a sweep value (lineHz 47.5), a full buffer and a dead belt feedback: equal for 3 min', async () => {
  // At the nominal rate the buffer never fills; the faults make the machine hold and the
  // spray/arc interlock drop, so both programs' other paths are compared too.
  const o = await compare({
    line: 'examples/assembly.yaml',
    ts: 'assembly',
    seconds: 180,
    params: { lineHz: 47.5 },
    faults: [
      { at: 60, spec: { target: 'signal', signal: 'buf1.full', kind: 'stuck', value: 1 } },
      { at: 120, spec: { target: 'signal', signal: 'mOut.running', kind: 'stuck', value: 0 } },
    ],
  });
  assert.is(o.last['mOut.setpoint'], 47.5);
  assert.is(o.last['mc1.enable'], 0, 'machine held by the full buffer');
  assert.is(o.last['coat1.on'], 0, 'no spray without belt feedback');
  assert.is(o.last['weld1.on'], 0);
});

test.run();
