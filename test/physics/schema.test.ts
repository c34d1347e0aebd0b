// The published line schema: equals what the catalog generates, compiles with the lead's Ajv
// options, accepts the demo line and reports unknown types, bad bounds and stray parameters
// where the lead's messages need them. Also pins the demo line's signal catalog.

import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Ajv } from 'ajv';
import { buildLineSchema } from '../../physics/schema.ts';
import { lineSignals } from '../../physics/model.ts';
import { sortingLine } from './harness.ts';

const published = JSON.parse(readFileSync(new URL('../../physics/line.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const validate = new Ajv({ allErrors: true, discriminator: true }).compile(published);

test('the committed schema is the one the catalog generates', () => {
  assert.equal(published, buildLineSchema());
});

test('the demo line is valid', () => {
  const ok = validate(sortingLine());
  assert.ok(ok, JSON.stringify(validate.errors));
});

test('an unknown component type is a discriminator error', () => {
  const line = sortingLine();
  line.components.push({ id: 'v1', type: 'laser' });
  assert.not.ok(validate(line));
  const e = validate.errors!.find((x) => x.keyword === 'discriminator')!;
  assert.is(e.instancePath, `/components/${line.components.length - 1}`);
  assert.equal(e.params, { error: 'mapping', tag: 'type', tagValue: 'laser' });
});

test('bounds, stray parameters, ids and required parameters', () => {
  const line = sortingLine();
  const sorter = line.components.findIndex((c) => c.id === 'sorter');
  line.components[sorter] = { ...line.components[sorter]!, length: 0, colour: 'red' };
  line.components.push({ id: '9x', type: 'bin' });
  line.components.push({ id: 'pe9', type: 'photoeye', conveyor: 'sorter' });
  assert.not.ok(validate(line));
  const errs = validate.errors!.map((e) => `${e.instancePath} ${e.keyword}`);
  const n = line.components.length;
  assert.ok(errs.includes(`/components/${sorter}/length exclusiveMinimum`), errs.join('\n'));
  assert.ok(errs.includes(`/components/${sorter} additionalProperties`), errs.join('\n'));
  assert.ok(errs.includes(`/components/${n - 2}/id pattern`), errs.join('\n'));
  assert.ok(errs.includes(`/components/${n - 1} required`), errs.join('\n'));
});

test('defaults are documented in the descriptions', () => {
  const defs = published['definitions'] as Record<string, { properties: Record<string, { description?: string }> }>;
  assert.match(defs['drive']!.properties['tau']!.description!, /default 0\.15$/);
  assert.match(defs['drive']!.properties['maxFrequency']!.description!, /default ratedFrequency$/);
  assert.match(defs['conveyor']!.properties['length']!.description!, /required$/);
});

test('signal catalog of the demo line: names, order, kinds', () => {
  const defs = lineSignals(sortingLine());
  const drive = (id: string): string[] =>
    ['run', 'setpoint', 'speed', 'running', 'current', 'power', 'energy', 'temperature', 'reverse', 'reset', 'tripped', 'overloads', 'wear', 'vibration'].map((f) => `${id}.${f}`);
  const conveyor = (id: string): string[] => ['speed', 'items', 'dropped'].map((f) => `${id}.${f}`);
  // Components grouped by type in the catalog's type order (drives, conveyors, sources, photo-eyes,
  // classifiers, ...), file order within a type. Item slots for the mimic come last: infeed 4 m / 0.2 m + 2 = 22 slots, sorter 3 / 0.2 + 2 = 17.
  const slots = Array.from({ length: 39 }, (_, k) => ['alive', 'x', 'y', 'cls'].map((f) => `items.${k}.${f}`)).flat();
  assert.equal(defs.map((d) => d.name).slice(0, defs.length - slots.length), [
    'line.power', 'line.energy', 'line.items', 'line.created',
    ...drive('m1'), ...drive('m2'), ...conveyor('infeed'), ...conveyor('sorter'),
    'src.created', 'src.blocked', 'pe1.blocked', 'pe2.blocked', 'hs1.high', 'hs1.height',
    'pu1.extend', 'pu1.extended', 'pu1.retracted', 'pu1.position',
    'binShort.count', 'binShort.wrong', 'binTall.count', 'binTall.wrong',
  ]);
  assert.equal(defs.map((d) => d.name).slice(defs.length - slots.length), slots);
  const actuators = defs.filter((d) => d.kind === 'actuator').map((d) => d.name);
  assert.equal(actuators, ['m1.run', 'm1.setpoint', 'm1.reverse', 'm1.reset', 'm2.run', 'm2.setpoint', 'm2.reverse', 'm2.reset', 'pu1.extend']);
  const sensors = defs.filter((d) => d.kind === 'sensor').map((d) => d.name);
  assert.equal(sensors, ['m1.speed', 'm1.running', 'm1.tripped', 'm2.speed', 'm2.running', 'm2.tripped', 'pe1.blocked', 'pe2.blocked', 'hs1.high', 'pu1.extended', 'pu1.retracted']);
});

test.run();
