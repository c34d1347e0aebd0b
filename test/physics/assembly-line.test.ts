// The assembly example (examples/assembly.yaml) with its built-in program `assembly`,
// lock-stepped as the engine runs it: parts flow through every station type, coating and seam
// follow their closed forms, a faster outfeed raises the reject rate, and the mimic's layout
// has a symbol for every component type of the catalog.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, layoutOf, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import { COMPONENT_TYPES } from '../../physics/catalog.ts';
import type { LineFile } from '../../physics/model.ts';
import { AssemblyProgram } from '../../plc-adapters/sim/assembly-program.ts';
import type { SimAdapter } from '../../plc-adapters/sim/sim-adapter.ts';

const CONTROLLER = { name: 'plc1', protocol: 'sim', program: 'assembly', cycleMs: 10 } as const;
const assembly = loadLineFile('examples/assembly.yaml');

async function runFor(line: LineFile, minutes: number, lineHz?: number): Promise<{ v: (name: string) => number; ls: Lockstep }> {
  const tagMap = defaultTagMap(CONTROLLER);
  const defs = runSignals(line, tagMap);
  const ls = await Lockstep.create(line, defs, CONTROLLER, tagMap);
  if (lineHz !== undefined) ((ls.exchange!.adapter as SimAdapter).program as AssemblyProgram).lineHz = lineHz;
  ls.run(minutes * 60_000);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const v = (name: string): number => {
    const i = ids.get(name);
    if (i === undefined) throw new Error(`no signal ${name}`);
    return ls.values[i]!;
  };
  return { v, ls };
}

test('ten minutes of the assembly line: parts through every station, all good at 50 Hz', async () => {
  const { v, ls } = await runFor(assembly, 10);
  // Arrivals every ~7 s, machine 6 s: ~80 parts made in 10 min.
  assert.ok(v('mc1.cycles') >= 60 && v('mc1.cycles') <= 100, `machine cycles ${v('mc1.cycles')}`);
  assert.ok(v('pp1.cycles') >= v('mc1.cycles') - 5, `pick-and-place cycles ${v('pp1.cycles')}`);
  assert.ok(v('done.count') >= 50, `finished ${v('done.count')}`);
  assert.is(v('done.wrong'), 0);
  assert.is(v('qCoat.rejectRate'), 0);
  assert.is(v('qWeld.rejectRate'), 0);
  // 6 cm³/s / (0.2 m · 0.3 m/s) = 100 µm; 0.8 · 3 kW / 0.3 m/s = 8 kJ/m.
  assert.ok(Math.abs(v('coat1.thickness') - 100) < 1e-6, `film ${v('coat1.thickness')}`);
  assert.ok(Math.abs(v('weld1.heatInput') - 8) < 1e-6, `seam ${v('weld1.heatInput')}`);
  assert.ok(v('line.energy') > 0 && v('mc1.energy') > 0 && v('pp1.energy') > 0 && v('rcIn.energy') > 0);
  // Energy and wear on every powered station.
  for (const id of ['rcIn', 'mc1', 'pp1', 'coat1', 'weld1']) assert.ok(v(`${id}.wear`) > 0, `${id} wear`);
  const items = ls.model.inspectItems();
  assert.ok(items.every((i) => i.conveyor !== 'out' || i.front - i.length / 2 < 1 || Math.abs(i.coating - 100) < 1e-6));
});

test('a faster outfeed (70 Hz, 0.42 m/s) thins the film below 80 µm: every part a reject', async () => {
  const line = structuredClone(assembly);
  // Let the drive run above its rated frequency.
  for (const c of line.components) if (c.id === 'mOut') c['maxFrequency'] = 80;
  const { v } = await runFor(line, 4, 70);
  assert.ok(v('qCoat.reject') >= 10, `rejects ${v('qCoat.reject')}`);
  assert.is(v('qCoat.rejectRate'), 1);
  assert.ok(Math.abs(v('coat1.thickness') - 6 / (0.2 * 0.42)) < 1e-6);
  // The seam (0.8 · 3 / 0.42 = 5.71 kJ/m) is too cold as well.
  assert.is(v('qWeld.rejectRate'), 1);
});

test('the layout has an entry, and the mimic a symbol, for every component type', async () => {
  // One line with every type: the example lines together (the order source: the planning line).
  const ids = new Set<string>();
  const types = new Set<string>();
  for (const file of ['examples/sorting.yaml', 'examples/furnace.yaml', 'examples/assembly.yaml', 'examples/planning/week-line.yaml']) {
    for (const e of layoutOf(loadLineFile(file))) {
      ids.add(`${file}:${e.id}`);
      types.add(e.type);
    }
  }
  for (const t of COMPONENT_TYPES) assert.ok(types.has(t.type), `no example line draws a ${t.type}`);
  // The mimic maps every type to a symbol of its own (not the generic dashed box).
  const { readFileSync } = await import('node:fs');
  const mimic = readFileSync(new URL('../../hmi/web/src/mimic.ts', import.meta.url), 'utf8');
  const kinds = mimic.slice(mimic.indexOf('const KIND_OF'), mimic.indexOf('};', mimic.indexOf('const KIND_OF')));
  for (const t of COMPONENT_TYPES) assert.ok(new RegExp(`(^|[\\s{,'])${t.type}'?:`).test(kinds), `KIND_OF lacks ${t.type}`);
});

test.run();
