// Cross-reference checks and build errors of the plant component types: each problem is
// reported with its path in the line file and what was expected.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ComponentConfig, LineFile } from '../../physics/model.ts';
import { Model, checkReferences, lineSignals } from '../../physics/model.ts';
import { isTwinloopError } from '../../core/errors.ts';

function line(components: ComponentConfig[]): LineFile {
  return { name: 'refs', components };
}

test('compressor cut-out must be above cut-in', () => {
  assert.equal(checkReferences(line([{ id: 'k', type: 'compressor', cutIn: 7, cutOut: 6 }])), [
    { path: 'components[0].cutOut', message: 'is 6 bar, not above cutIn 7 bar' },
  ]);
});

test('a transmitter names <component>.<field> of this line; its range is not empty', () => {
  assert.equal(checkReferences(line([{ id: 'lt', type: 'transmitter', signal: 'nope.level', min: 2, max: 1 }])), [
    { path: 'components[0].signal', message: 'names nope.level, which is not <component id>.<field> of a component of this line' },
    { path: 'components[0].max', message: 'is 1, not above min 2' },
  ]);
  // An unknown field of a known component is a build error naming the signal.
  const l = line([{ id: 't', type: 'tank' }, { id: 'lt', type: 'transmitter', signal: 't.pressure' }]);
  assert.equal(checkReferences(l), []);
  const values = new Float64Array(lineSignals(l).length);
  const ids = new Map(lineSignals(l).map((d, i) => [d.name, i]));
  assert.throws(() => new Model(l, (n) => ids.get(n)!, values), (e: unknown) => isTwinloopError(e, 'MODEL_BUILD') && /no signal t\.pressure/.test(e.message));
});

test('references of cylinders, limit switches, pumps, valves, furnaces are type-checked', () => {
  const issues = checkReferences(line([
    { id: 't', type: 'tank' },
    { id: 'cy', type: 'cylinder', air: 't' },
    { id: 'ls', type: 'limitswitch', actuator: 't' },
    { id: 'p', type: 'pump', from: 'cy' },
    { id: 'v', type: 'valve', to: 'p' },
    { id: 'f', type: 'furnace', coolant: 'v' },
  ]));
  assert.equal(issues.map((i) => i.path), ['components[1].air', 'components[2].actuator', 'components[3].from', 'components[4].to', 'components[5].coolant']);
  assert.match(issues[0]!.message, /refers to t, which is a tank; expected a compressor/);
});

test('furnace zone lies on its conveyor; proximity class must exist', () => {
  const issues = checkReferences(line([
    { id: 'm', type: 'drive' },
    { id: 'c', type: 'conveyor', length: 5, drive: 'm' },
    { id: 'f', type: 'furnace', conveyor: 'c', start: 2, end: 6 },
    { id: 'g', type: 'furnace', conveyor: 'c', start: 2, end: 1 },
    { id: 'x', type: 'proximity', conveyor: 'c', position: 1, detects: 'steel' },
  ]));
  assert.equal(issues, [
    { path: 'components[2].end', message: 'is 6 m, beyond the end of conveyor c (length 5 m)' },
    { path: 'components[3].end', message: 'is 1 m, not beyond start 2 m' },
    { path: 'components[4].detects', message: 'names class steel, which no source produces; known classes: none' },
  ]);
});

test('a choice parameter outside its list is a build error', () => {
  const l = line([{ id: 'v', type: 'valve', mode: 'sideways' }]);
  const ids = new Map(lineSignals(l).map((d, i) => [d.name, i]));
  assert.throws(() => new Model(l, (n) => ids.get(n)!, new Float64Array(ids.size)), (e: unknown) => isTwinloopError(e, 'MODEL_BUILD') && /mode must be one of onoff, proportional/.test(e.message));
});

test.run();
