// A run's signal catalog and a built-in program's default tag map, shared by the engine, the
// scenario runner (and its pool workers), the shadow rig and the stand-in line. Kept apart from
// engine.ts so that a pool worker need not load the network protocol stacks the engine's plant
// coupling imports.

import type { TagMapping } from '../exchange.ts';
import type { SignalDef } from '../signals.ts';
import { TwinloopError } from '../errors.ts';
import { lineSignals, type LineFile } from '../../physics/model.ts';
import { programs } from '../../plc-adapters/sim/sim-adapter.ts';

/** The tag map of a built-in program when no plant file gives one: address = signal name. */
export function programTagMap(program: string): TagMapping[] {
  const factory = programs[program];
  if (!factory) throw new TwinloopError('CFG_INVALID', `unknown built-in program "${program}"; known: ${Object.keys(programs).join(', ')}`);
  const io = factory().io;
  return [
    ...io.outputs.map((e) => ({ signal: e.address, address: e.address, type: e.type, direction: 'read' as const })),
    ...io.inputs.map((e) => ({ signal: e.address, address: e.address, type: e.type, direction: 'write' as const })),
  ];
}

/**
 * The catalog of a run: the line's signals plus controller outputs the model does not know
 * (e.g. `ctl.fault`), kept as state signals so the HMI can show them.
 */
export function runSignals(line: LineFile, tagMap: readonly TagMapping[]): SignalDef[] {
  const defs = lineSignals(line);
  const known = new Set(defs.map((d) => d.name));
  for (const m of tagMap) {
    if (!known.has(m.signal) && m.direction === 'read') {
      defs.push({ name: m.signal, type: m.type, kind: 'state', unit: '', description: `controller output ${m.address}` });
      known.add(m.signal);
    }
  }
  return defs;
}
