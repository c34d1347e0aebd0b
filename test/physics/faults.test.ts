// Faults: each kind changes what it should and nothing else. A faulted model runs beside an
// identical healthy twin on the same inputs; every other signal must stay bit-identical.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import type { LineFile } from '../../physics/model.ts';
import { checkReferences } from '../../physics/model.ts';
import type { FaultSpec } from '../../physics/fault-spec.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { rig } from './harness.ts';
import type { Rig } from './harness.ts';

function line(): LineFile {
  return {
    name: 'faults',
    dt: 0.001,
    seed: 3,
    components: [
      { id: 'm', type: 'drive' },
      { id: 'c', type: 'conveyor', length: 3, beltSpeed: 0.5, drive: 'm' },
      { id: 's', type: 'source', conveyor: 'c', rate: 2, minGap: 0.2, itemLength: 0.2 },
      { id: 'pe', type: 'photoeye', conveyor: 'c', position: 1 },
      { id: 'cy', type: 'cylinder' },
      { id: 't', type: 'tank', initialLevel: 1 },
      { id: 'lt', type: 'transmitter', signal: 't.level', min: 0, max: 2 },
    ],
  };
}

function pair(): { a: Rig; b: Rig } {
  const a = rig(line());
  const b = rig(line());
  for (const r of [a, b]) {
    r.set('m.run', 1);
    r.set('m.setpoint', 50);
  }
  return { a, b };
}

/** Step both; every value but those in `except` must match. Returns per-step [healthy, faulty] of `watch`. */
function run(a: Rig, b: Rig, steps: number, except: readonly string[], watch: string): [number, number][] {
  const skip = new Set(except.map((n) => a.id(n)));
  const out: [number, number][] = [];
  for (let k = 0; k < steps; k++) {
    a.run(1);
    b.run(1);
    for (let i = 0; i < a.values.length; i++) {
      if (skip.has(i)) continue;
      if (!Object.is(a.values[i], b.values[i])) assert.unreachable(`signal #${i} differs at step ${k}: ${a.values[i]} vs ${b.values[i]}`);
    }
    out.push([a.get(watch), b.get(watch)]);
  }
  return out;
}

function inject(r: Rig, spec: FaultSpec): number {
  return r.model.injectFault(spec).id;
}

test('stuck: the signal holds the value', () => {
  const { a, b } = pair();
  inject(b, { target: 'signal', signal: 'pe.blocked', kind: 'stuck', value: 1 });
  const trace = run(a, b, 5000, ['pe.blocked'], 'pe.blocked');
  assert.ok(trace.every(([, f]) => f === 1));
  assert.ok(trace.some(([h]) => h === 0), 'the true signal does change');
});

test('offset and drift add to the true value; clearing gives it back', () => {
  const { a, b } = pair();
  a.run(100);
  b.run(100);
  const id = inject(b, { target: 'signal', signal: 'm.speed', kind: 'offset', value: 0.5 });
  const trace = run(a, b, 1000, ['m.speed'], 'm.speed');
  assert.ok(trace.every(([h, f]) => f === h + 0.5));
  b.model.clearFault(id);
  run(a, b, 10, [], 'm.speed');
  // Drift 2 Hz/s: after n steps, + 2 x n x 0.001 (injected at tick t0, applied at t0 + n).
  inject(b, { target: 'signal', signal: 'm.speed', kind: 'drift', value: 2 });
  const d = run(a, b, 1000, ['m.speed'], 'm.speed');
  d.forEach(([h, f], n) => assert.ok(Math.abs(f - h - 2 * (n + 1) * 0.001) < 1e-9, `step ${n}: ${f - h}`));
});

test('noise: zero mean, the given standard deviation, seeded', () => {
  const { a, b } = pair();
  inject(b, { target: 'signal', signal: 't.level', kind: 'noise', value: 0.1 });
  // The transmitter reads t.level during the step, before the fault acts on the published value.
  const trace = run(a, b, 20_000, ['t.level'], 't.level');
  const e = trace.map(([h, f]) => f - h);
  const mean = e.reduce((s, x) => s + x, 0) / e.length;
  const sd = Math.sqrt(e.reduce((s, x) => s + (x - mean) ** 2, 0) / e.length);
  assert.ok(Math.abs(mean) < 0.003, `mean ${mean}`);
  assert.ok(Math.abs(sd - 0.1) < 0.005, `sd ${sd}`);
});

test('wire break: 0 and listed as bad quality until cleared', () => {
  const { a, b } = pair();
  const id = inject(b, { target: 'signal', signal: 'lt.value', kind: 'wirebreak' });
  assert.equal([...b.model.badSignals()], [b.id('lt.value')]);
  const trace = run(a, b, 100, ['lt.value'], 'lt.value');
  assert.ok(trace.every(([h, f]) => f === 0 && h === 1));
  b.model.clearFault(id);
  assert.is(b.model.badSignals().length, 0);
  assert.is(b.get('lt.value'), 1);
});

test('intermittent: the true value for half a period, 0 for the other half', () => {
  const { a, b } = pair();
  a.run(1000);
  b.run(1000);
  inject(b, { target: 'signal', signal: 'm.running', kind: 'intermittent', value: 0.1 });
  const trace = run(a, b, 1000, ['m.running'], 'm.running');
  // 50 steps on, 50 off: step n (after injection at t0) is n + 1 ticks in.
  trace.forEach(([h, f], n) => assert.is(f, Math.floor((n + 1) / 50) % 2 === 1 ? 0 : h, `step ${n}`));
});

test('delay: the value of `value` seconds ago', () => {
  const { a, b } = pair();
  inject(b, { target: 'signal', signal: 'm.speed', kind: 'delay', value: 0.05 });
  const trace = run(a, b, 500, ['m.speed'], 'm.speed');
  for (let n = 50; n < 500; n++) assert.is(trace[n]![1], trace[n - 50]![0]);
});

test('an actuator fault changes what the model does, not the command the controller sees', () => {
  const { b } = pair();
  inject(b, { target: 'signal', signal: 'm.run', kind: 'stuck', value: 0 });
  b.run(2000);
  assert.is(b.get('m.run'), 1, 'the command is still on');
  assert.is(b.get('m.speed'), 0, 'but the drive never ran');
});

test('slip halves the belt speed; slow halves the piston speed', () => {
  const { a, b } = pair();
  a.run(3000);
  b.run(3000);
  inject(b, { target: 'component', component: 'c', kind: 'slip', severity: 0.5 });
  a.run(1);
  b.run(1);
  assert.is(b.get('c.speed'), a.get('c.speed') * 0.5);
  const r = rig(line());
  inject(r, { target: 'component', component: 'cy', kind: 'slow', severity: 0.5 });
  r.set('cy.extend', 1);
  r.run(10 + 500); // valve 10 ms + half the 0.5 s stroke at half speed
  assert.ok(Math.abs(r.get('cy.position') - 0.5) < 1e-9, String(r.get('cy.position')));
});

test('slow on a pusher halves both strokes; cooling-lost quadruples the winding rise, nothing else changes', () => {
  const pl: LineFile = {
    name: 'pusher-slow',
    dt: 0.001,
    components: [
      { id: 'm', type: 'drive', thermalTau: 10 },
      { id: 'c', type: 'conveyor', length: 3, beltSpeed: 0.5, drive: 'm' },
      { id: 'b', type: 'bin' },
      { id: 'p', type: 'pusher', conveyor: 'c', bin: 'b', position: 2, extendTime: 0.5, retractTime: 0.5 },
    ],
  };
  const r = rig(pl);
  inject(r, { target: 'component', component: 'p', kind: 'slow', severity: 0.5 });
  r.set('p.extend', 1);
  r.run(500); // half the 0.5 s stroke at half speed
  assert.ok(Math.abs(r.get('p.position') - 0.5) < 1e-9, String(r.get('p.position')));
  assert.is(r.get('p.extended'), 0);
  r.run(500);
  assert.is(r.get('p.extended'), 1, 'a full stroke in twice the time');

  // Cooling lost: the healthy twin and the faulty drive see the same current; only the
  // winding temperature (and nothing else) differs, settling at ambient + 4 x the healthy rise.
  const a = rig(pl);
  const b = rig(pl);
  for (const x of [a, b]) {
    x.set('m.run', 1);
    x.set('m.setpoint', 50);
  }
  inject(b, { target: 'component', component: 'm', kind: 'cooling-lost' });
  run(a, b, 200_000, ['m.temperature'], 'm.temperature');
  const healthyRise = a.get('m.temperature') - 25;
  const faultyRise = b.get('m.temperature') - 25;
  assert.ok(Math.abs(faultyRise - 4 * healthyRise) < 1e-6 * healthyRise, `rise ${faultyRise} vs 4 x ${healthyRise}`);
  // Refused where it does not apply, naming the types it does.
  assert.throws(() => a.model.injectFault({ target: 'component', component: 'c', kind: 'cooling-lost' }), /cooling-lost applies to a drive; c is a conveyor/);
  assert.throws(() => a.model.injectFault({ target: 'component', component: 'm', kind: 'slow' }), /slow applies to a cylinder or pusher; m is a drive/);
});

test('faults() lists active faults with time; bad specs are refused with codes', () => {
  const r = rig(line());
  r.run(1500);
  const f = r.model.injectFault({ target: 'signal', signal: 'pe.blocked', kind: 'stuck', value: 1 });
  assert.equal(r.model.faults(), [{ id: f.id, spec: f.spec, time: 1.5, tick: 1500 }]);
  const code = (spec: unknown): string | undefined => {
    try {
      r.model.injectFault(spec as FaultSpec);
    } catch (err) {
      return isTwinloopError(err) ? err.code : 'other';
    }
    return undefined;
  };
  assert.is(code({ target: 'signal', signal: 'nope.x', kind: 'stuck' }), 'FAULT_INVALID');
  assert.is(code({ target: 'component', component: 'pe', kind: 'jam' }), 'FAULT_INVALID');
  assert.is(code({ target: 'component', component: 'c', kind: 'jam', severity: 2 }), 'FAULT_INVALID');
  assert.throws(() => r.model.clearFault(999), (e: unknown) => isTwinloopError(e, 'FAULT_UNKNOWN'));
  r.model.reset();
  assert.equal(r.model.faults(), []);
});

test('faults from the line file: validated, present from the start or injected at their time', () => {
  const schema = JSON.parse(readFileSync(new URL('../../physics/line.schema.json', import.meta.url), 'utf8')) as object;
  const validate = new Ajv({ allErrors: true, discriminator: true }).compile(schema);
  const l: LineFile = {
    ...line(),
    faults: [
      { signal: 'pe.blocked', kind: 'stuck', value: 1 },
      { component: 'c', kind: 'slip', severity: 0.5, at: 2 },
    ],
  };
  assert.ok(validate(l), JSON.stringify(validate.errors));
  assert.not.ok(validate({ ...l, faults: [{ signal: 'pe.blocked', kind: 'melt' }] }));
  assert.equal(checkReferences({ ...l, faults: [{ component: 'pe', kind: 'jam' }, { signal: 'x.y', kind: 'stuck' }] }), [
    { path: 'faults[0].kind', message: 'jam applies to a conveyor; pe is a photoeye' },
    { path: 'faults[1].signal', message: 'names unknown signal x.y' },
  ]);
  const r = rig(l);
  assert.is(r.get('pe.blocked'), 1);
  assert.is(r.model.faults().length, 1);
  r.set('m.run', 1);
  r.set('m.setpoint', 50);
  r.run(1999);
  assert.is(r.get('c.speed'), 0.5 * (r.get('m.speed') / 50));
  r.run(1);
  assert.is(r.model.faults().length, 2);
  assert.is(r.model.faults()[1]!.time, 2);
  assert.ok(Math.abs(r.get('c.speed') - 0.25 * (r.get('m.speed') / 50)) < 1e-15);
  // Reset re-arms them.
  r.model.reset();
  assert.is(r.model.faults().length, 1);
});

test.run();
