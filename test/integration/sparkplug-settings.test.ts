// Sparkplug settings: the plant file's `sparkplug:` block (schema errors name the path), the
// command-line options taken out of argv and merged over it, deadbands checked against the catalog.

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePlantFile } from '../../core/config/plant-file.ts';
import { ConfigError } from '../../core/config/config-error.ts';
import { checkDeadbands, sparkplugSettings, takeSparkplugArgs } from '../../core/integration/sparkplug/settings.ts';
import { MetricCatalog } from '../../core/integration/sparkplug/metric-catalog.ts';
import { testTable } from './sparkplug-fixtures.ts';

const test = suite('sparkplug settings');

const plant = (block: string): string => `controllers:\n  - { name: plc1, protocol: sim, tags: [] }\nsparkplug:\n${block}`;

function issues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  return [];
}

test('a plant block is read as given; defaults are applied by the edge node settings', () => {
  const p = parsePlantFile('plant.yaml', plant('  url: mqtt://127.0.0.1:1883\n  group: lines\n  node: sorting\n  hostId: scada\n  deadbands: { m1.speed: 0.05 }\n'));
  assert.equal(p.sparkplug, { url: 'mqtt://127.0.0.1:1883', group: 'lines', node: 'sorting', hostId: 'scada', deadbands: { 'm1.speed': 0.05 } });
  const s = sparkplugSettings({}, p.sparkplug, '/tmp/data', 'plant.yaml')!;
  assert.is(s.rateHz, 10);
  assert.is(s.devices, 'component');
  assert.is(s.storeDir, '/tmp/data/sparkplug/lines-sorting');
  assert.is(s.storeMaxBytes, 64 * 1024 * 1024);
});

test('schema errors name the path in the plant file', () => {
  const found = issues(() => parsePlantFile('plant.yaml', plant('  url: mqtt://127.0.0.1:1883\n  group: a/b\n  rateHz: 0\n  colour: red\n')));
  assert.ok(found.some((i) => i.startsWith('sparkplug.group')), found.join('\n'));
  assert.ok(found.some((i) => i.startsWith('sparkplug.rateHz')), found.join('\n'));
  assert.ok(found.some((i) => i.includes('colour')), found.join('\n'));
});

test('missing ids are reported by name; command line wins over the block', () => {
  assert.equal(issues(() => sparkplugSettings({ url: 'mqtt://127.0.0.1:1883' }, undefined, 'data')), [
    'sparkplug.group: is required (--group or sparkplug.group in the plant file)',
    'sparkplug.node: is required (--node or sparkplug.node in the plant file)',
  ]);
  const s = sparkplugSettings({ url: 'mqtt://127.0.0.1:2883', node: 'n2' }, { url: 'mqtt://127.0.0.1:1883', group: 'g', node: 'n1' }, 'data')!;
  assert.is(s.url, 'mqtt://127.0.0.1:2883');
  assert.is(s.node, 'n2');
  assert.is(s.group, 'g');
  assert.is(sparkplugSettings({}, undefined, 'data'), undefined);
  assert.equal(issues(() => sparkplugSettings({ group: 'g' }, undefined, 'data')), ['sparkplug: --group, --node and --host-id need --sparkplug URL']);
});

test('argv: the options are taken out, the rest is left for the shared parser', () => {
  const argv = ['node', 'main.ts', 'start', '--sparkplug', 'mqtt://127.0.0.1:1883', '--group', 'lines', '--node', 'sorting', '--host-id', 'scada', '--port', '0'];
  assert.equal(takeSparkplugArgs(argv), { url: 'mqtt://127.0.0.1:1883', group: 'lines', node: 'sorting', hostId: 'scada' });
  assert.equal(argv, ['node', 'main.ts', 'start', '--port', '0']);
});

test('deadbands on unknown signals or bools are refused; components become devices', () => {
  const t = testTable();
  const s = sparkplugSettings({ url: 'mqtt://127.0.0.1:1883', group: 'g', node: 'n' }, { deadbands: { 'm1.speed': 0.1, 'nope.x': 1, 'm1.run': 1 } }, 'data')!;
  assert.equal(issues(() => checkDeadbands(s, t.table.defs, 'plant.yaml')), ['sparkplug.deadbands.nope.x: unknown signal "nope.x"', 'sparkplug.deadbands.m1.run: a bool signal has no deadband']);
  const cat = new MetricCatalog(t.table.defs, s);
  assert.equal(cat.devices.map((d) => d.id), ['line', 'm1', 'pe1']);
  assert.equal(Array.from(cat.nodeSignals), [5]);
  assert.is(cat.deadbands[2], 0.1);
  const flat = new MetricCatalog(t.table.defs, { ...s, devices: 'node' });
  assert.is(flat.devices.length, 0);
  assert.is(flat.names[2], 'm1.speed');
});

test.run();
