// checkReferences: precise paths and messages for broken references and cross-field rules; the
// Model refuses such a line with MODEL_BUILD.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isTwinloopError } from '../../core/errors.ts';
import { Model, checkReferences, lineSignals } from '../../physics/model.ts';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { sortingLine } from './harness.ts';

/** The demo line with component `id` changed (or removed when `patch` is null). */
function withPatch(id: string, patch: Record<string, unknown> | null): LineFile {
  const line = sortingLine();
  const components: ComponentConfig[] = [];
  for (const c of line.components) {
    if (c.id !== id) components.push(c);
    else if (patch !== null) components.push({ ...c, ...patch });
  }
  return { ...line, components };
}

function indexOf(line: LineFile, id: string): number {
  return line.components.findIndex((c) => c.id === id);
}

test('the demo line is clean', () => {
  assert.equal(checkReferences(sortingLine()), []);
});

test('unknown drive', () => {
  const line = withPatch('infeed', { drive: 'm9' });
  assert.equal(checkReferences(line), [
    { path: `components[${indexOf(line, 'infeed')}].drive`, message: 'refers to unknown component m9; known drives: m1, m2' },
  ]);
});

test('unknown conveyor, for every kind that names one', () => {
  for (const id of ['src', 'pe1', 'hs1', 'pu1']) {
    const line = withPatch(id, { conveyor: 'belt' });
    assert.equal(checkReferences(line), [
      { path: `components[${indexOf(line, id)}].conveyor`, message: 'refers to unknown component belt; known conveyors: infeed, sorter' },
    ]);
  }
});

test('unknown bin, and a next that is neither conveyor nor bin', () => {
  const line = withPatch('pu1', { bin: 'binX' });
  assert.equal(checkReferences(line), [
    { path: `components[${indexOf(line, 'pu1')}].bin`, message: 'refers to unknown component binX; known bins: binShort, binTall' },
  ]);
  const wrong = withPatch('sorter', { next: 'm2' });
  assert.equal(checkReferences(wrong), [
    {
      path: `components[${indexOf(wrong, 'sorter')}].next`,
      message: 'refers to m2, which is a drive; expected a conveyor or bin or rollerconveyor or machine or buffer or pickplace; known conveyors: infeed, sorter; known bins: binShort, binTall',
    },
  ]);
});

test('class probabilities must sum to 1; class names unique; bins accept a produced class', () => {
  const line = withPatch('src', {
    classes: [
      { name: 'short', height: 0.05, probability: 0.5 },
      { name: 'short', height: 0.15, probability: 0.4 },
    ],
  });
  const i = indexOf(line, 'src');
  assert.equal(checkReferences(line), [
    { path: `components[${i}].classes[1].name`, message: 'duplicate class name short' },
    { path: `components[${i}].classes`, message: 'probabilities sum to 0.9; they must sum to 1' },
    { path: `components[${indexOf(line, 'binTall')}].accepts`, message: 'names class tall, which no source produces; known classes: short' },
  ]);
});

test('duplicate and reserved ids; positions beyond the conveyor; missing required references', () => {
  const line = sortingLine();
  line.components.push({ id: 'pe1', type: 'photoeye', conveyor: 'sorter', position: 3.5 });
  line.components.push({ id: 'line', type: 'bin' });
  line.components.push({ id: 'x', type: 'photoeye', position: 1 });
  const n = line.components.length;
  assert.equal(checkReferences(line), [
    { path: `components[${n - 3}].id`, message: `duplicate id pe1; first used by components[${indexOf(line, 'pe1')}]` },
    { path: `components[${n - 2}].id`, message: 'id line is reserved for the line-level signals' },
    { path: `components[${n - 3}].position`, message: 'is 3.5 m, beyond the end of conveyor sorter (length 3 m)' },
    { path: `components[${n - 1}].conveyor`, message: 'is required: the id of a conveyor; known conveyors: infeed, sorter' },
  ]);
});

test('drive: noLoadCurrent must be below ratedCurrent; a conveyor cannot feed itself', () => {
  const line = withPatch('m1', { noLoadCurrent: 2 });
  assert.equal(checkReferences(line), [{ path: `components[${indexOf(line, 'm1')}].noLoadCurrent`, message: 'is 2 A, not below ratedCurrent 1.05 A' }]);
  const loop = withPatch('sorter', { next: 'sorter' });
  assert.equal(checkReferences(loop), [{ path: `components[${indexOf(loop, 'sorter')}].next`, message: 'refers to the conveyor sorter itself' }]);
});

test('unknown component type is reported, not thrown', () => {
  const line = sortingLine();
  line.components.push({ id: 'v1', type: 'laser' });
  const issues = checkReferences(line);
  assert.equal(issues, [
    { path: `components[${line.components.length - 1}].type`, message: 'unknown component type laser; known: drive, conveyor, source, photoeye, classifier, pusher, bin, proximity, limitswitch, encoder, transmitter, compressor, cylinder, tank, valve, pump, furnace, quality, rollerconveyor, machine, buffer, pickplace, coating, weld, ordersource' },
  ]);
  assert.throws(() => lineSignals(line), (e: unknown) => isTwinloopError(e, 'CFG_INVALID'));
});

test('the Model refuses a line with reference problems, with MODEL_BUILD and the path', () => {
  const line = withPatch('infeed', { drive: 'm9' });
  const values = new Float64Array(200);
  let n = 0;
  try {
    new Model(line, () => n++, values);
    assert.unreachable('built a broken line');
  } catch (e) {
    assert.ok(isTwinloopError(e, 'MODEL_BUILD'));
    assert.match((e as Error).message, /components\[\d+\]\.drive refers to unknown component m9/);
  }
});

test('the Model refuses out-of-range parameters on lines that skipped the schema', () => {
  const line = withPatch('m1', { tau: -1 });
  const defs = lineSignals(line);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  try {
    new Model(line, (name) => ids.get(name)!, new Float64Array(defs.length));
    assert.unreachable('built a drive with a negative time constant');
  } catch (e) {
    assert.ok(isTwinloopError(e, 'MODEL_BUILD'));
    assert.match((e as Error).message, /components\[\d+\]\.tau must be > 0, got -1/);
  }
});

test.run();
