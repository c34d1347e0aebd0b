// History made by the shadow rig's stand-in line (core/shadow/in-thread-rig.ts: the line model
// and its sorting program in lock-step, in this thread) with parameters departed from the model:
// written as a historian's long CSV (time,tag,value; seconds from the start): PLC outputs and
// discrete sensors on change (and every second), as a historian with source timestamps records
// them, analog sensors every 100 ms. Read after every step of the rig's line: PLC outputs are
// stamped with the time they took effect (the scan at the start of the step), sensors with the
// time after the step, so the change times are exact to the step. (Sampled every 10 ms instead,
// an edge is known to 10 ms only, 2 % of a 0.48 s stroke: the fit could not promise 2 %.)

import { writeFileSync } from 'node:fs';
import type { LineFile } from '../../physics/model.ts';
import type { PlantFile } from '../../core/config/plant-file.ts';
import { InThreadRig } from '../../core/shadow/in-thread-rig.ts';
import { setParam } from '../../core/calibration/overlay.ts';
import { lineSignals } from '../../physics/model.ts';
import { defaultTagMap, runSignals } from '../../core/engine/engine.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';

export async function standInHistory(o: { line: LineFile; plant: PlantFile; departures: Readonly<Record<string, number>>; seconds: number; csv: string }): Promise<void> {
  const real = structuredClone(o.line);
  for (const [path, v] of Object.entries(o.departures)) setParam(real.components as unknown as { id?: unknown }[], path, v);
  const tags = o.plant.controllers[0]!.tags;
  const rig = await InThreadRig.create({ line: real, tags, shadow: o.plant.shadow!, sink: { activate: () => undefined, deactivate: () => undefined } });
  const kinds = new Map(lineSignals(real).map((d) => [d.name, d] as const));
  // The rig's real line has the signals of the line and its program, as InThreadRig builds them.
  const defs = runSignals(real, defaultTagMap({ name: 'line', protocol: 'sim', program: DEFAULT_PROGRAM }));
  const cols = tags.map((t) => ({ name: t.signal, id: defs.findIndex((d) => d.name === t.signal), input: kinds.get(t.signal)?.kind === 'actuator' || !kinds.has(t.signal), bool: t.type === 'bool' }));
  const last = new Float64Array(cols.length).fill(NaN);
  const lastAt = new Float64Array(cols.length).fill(-Infinity);
  const rows: string[] = ['time,tag,value'];
  const line = rig.real;
  const steps = Math.round(o.seconds / line.model.dt);
  let nextAnalog = 0;
  for (let k = 0; k < steps; k++) {
    const before = line.time; // a scan in this step writes outputs that act from this time on
    line.step();
    const t = line.time; // sensors as they stand after the step
    const v = line.values;
    const analogDue = t >= nextAnalog - 1e-9;
    if (analogDue) nextAnalog += 0.1;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j]!;
      const x = v[c.id]!;
      const at = c.input ? before : t;
      const due = c.input || c.bool ? x !== last[j] || at - lastAt[j]! >= 1 : analogDue;
      if (!due) continue;
      last[j] = x;
      lastAt[j] = at;
      rows.push(`${at.toFixed(3)},${c.name},${x}`);
    }
  }
  writeFileSync(o.csv, `${rows.join('\n')}\n`);
}
