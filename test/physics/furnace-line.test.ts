// The reheating-furnace example (examples/furnace.yaml) with its built-in program `furnace`,
// lock-stepped as the engine runs it: energy, thermal, fluid and pneumatic models end to end.
// Twenty simulated minutes must give plausible figures, and a faster hearth more rejects.

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadLineFile } from '../../core/config/line-file.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { Lockstep } from '../../core/engine/lockstep.ts';
import type { LineFile } from '../../physics/model.ts';

const CONTROLLER = { name: 'plc1', protocol: 'sim', program: 'furnace', cycleMs: 10 } as const;
const furnace = loadLineFile('examples/furnace.yaml');

async function runFor(line: LineFile, minutes: number): Promise<(name: string) => number> {
  const tagMap = defaultTagMap(CONTROLLER);
  const defs = runSignals(line, tagMap);
  const ls = await Lockstep.create(line, defs, CONTROLLER, tagMap);
  ls.run(minutes * 60_000);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  return (name) => {
    const i = ids.get(name);
    if (i === undefined) throw new Error(`no signal ${name}`);
    return ls.values[i]!;
  };
}

test('twenty minutes of the furnace line: hot zone, billets through, utilities in range', async () => {
  const v = await runFor(furnace, 20);
  assert.is(v('ctl.fault'), 0);
  assert.is(v('ctl.ready'), 1);
  // The PI loop holds the zone near 900 °C against the billet load (it dips while a cold
  // billet group enters; +-60 K is a plausible band for a 10 s dead time).
  const t = v('fz1.temperature');
  assert.ok(t > 840 && t < 960, `zone ${t} °C`);
  // Billets arrive every 40 s on average; after the ~2.5 min heat-up and 6.5 min of travel,
  // some 15-25 have reached the stock bin, most of them good.
  const made = v('qExit.good') + v('qExit.reject');
  assert.ok(v('stock.count') >= 10, `stock ${v('stock.count')}`);
  assert.ok(made >= v('stock.count'), 'every billet in stock was judged');
  assert.ok(v('qExit.good') > v('qExit.reject'), `good ${v('qExit.good')}, reject ${v('qExit.reject')}`);
  // Energy: the heater dominates; a mean of 1-2 MW over 1/3 h is 300-700 kWh.
  const e = v('line.energy');
  assert.ok(e > 300 && e < 700, `line energy ${e} kWh`);
  assert.ok(v('fz1.energy') / e > 0.95, 'the furnace takes almost all of it');
  // Utilities: the tank stays between its switches' band, the air network above cut-in - 0.5.
  const level = v('tank.level');
  assert.ok(level > 0.7 && level < 1.7, `tank level ${level} m`);
  const air = v('air.pressure');
  assert.ok(air > 5.5 && air <= 7, `air ${air} bar`);
  assert.ok(Math.abs(v('pCool.flow') - 9.6) < 1e-9, 'pump at 80 %: 0.8 x 12 m³/h');
  assert.is(v('mHearth.tripped'), 0);
  // The hearth encoder counted the hearth's travel: 25 Hz = 0.025 m/s while it ran.
  assert.ok(v('encHearth.count') > 10_000, `encoder ${v('encHearth.count')}`);
});

test('a faster hearth (x1.6) shortens the dwell and raises the reject rate', async () => {
  const fast: LineFile = { ...furnace, components: furnace.components.map((c) => (c.id === 'hearth' ? { ...c, beltSpeed: 0.08 } : c)) };
  const base = await runFor(furnace, 20);
  const quick = await runFor(fast, 20);
  // Dwell 8 m / 0.04 m/s = 200 s: 900 - 880 e^-2 = 781 °C < 830 °C, so nearly all are rejects.
  assert.ok(quick('qExit.rejectRate') > base('qExit.rejectRate') + 0.3, `reject rate ${base('qExit.rejectRate')} -> ${quick('qExit.rejectRate')}`);
});

test.run();
