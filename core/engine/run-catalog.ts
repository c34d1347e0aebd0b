// A run's signal catalog and a built-in program's default tag map, shared by the engine, the
// scenario runner (and its pool workers), the shadow rig and the stand-in line. Kept apart from
// engine.ts so that a pool worker need not load the network protocol stacks the engine's plant
// coupling imports.

import type { TagMapping } from '../exchange.ts';
import type { SignalDef } from '../signals.ts';
import { TwinloopError } from '../errors.ts';
import { lineSignals, type LineFile } from '../../physics/model.ts';
import { isSourceSpec, loadProgram, NO_PROGRAM, programs } from '../../plc-adapters/sim/program-source.ts';
import { closest } from '../../plc-adapters/st/symbols.ts';
import { findEntry } from '../../plc-adapters/sim/program.ts';

/**
 * The tag map of a built-in controller's program when no plant file gives one. A TypeScript
 * program's image addresses are signal names. An ST program is bound by the line file's `io:`
 * block (signal -> program variable; the direction follows from the variable: a PROGRAM's
 * VAR_INPUT or an `AT %I` variable is an input, VAR_OUTPUT or `AT %Q` an output); types are
 * checked here, before anything starts.
 * @throws TwinloopError CFG_INVALID naming both sides of a bad binding; ST_COMPILE
 */
export function programTagMap(program: string, line?: LineFile): TagMapping[] {
  if (program === NO_PROGRAM) return [];
  if (!isSourceSpec(program) && !programs[program]) throw new TwinloopError('CFG_INVALID', `unknown built-in program "${program}"; known: ${Object.keys(programs).join(', ')}`);
  const io = loadProgram(program).io;
  if (!isSourceSpec(program)) {
    return [
      ...io.outputs.map((e) => ({ signal: e.address, address: e.address, type: e.type, direction: 'read' as const })),
      ...io.inputs.map((e) => ({ signal: e.address, address: e.address, type: e.type, direction: 'write' as const })),
    ];
  }
  const binding = line?.io ?? {};
  const signals = new Map(line ? lineSignals(line).map((d) => [d.name, d] as const) : []);
  const out: TagMapping[] = [];
  const problems: string[] = [];
  for (const [signal, variable] of Object.entries(binding)) {
    const input = io.inputs[findEntry(io.inputs, variable)];
    const output = io.outputs[findEntry(io.outputs, variable)];
    const entry = input ?? output;
    if (!entry) {
      const names = [...io.inputs, ...io.outputs].map((e) => e.address);
      const c = closest(variable, names);
      problems.push(`io.${signal}: ${variable} is not an input or output of the program (a PROGRAM's VAR_INPUT/VAR_OUTPUT or an AT %I/%Q variable)${c ? `; did you mean ${c}?` : names.length ? `; its I/O: ${names.join(', ')}` : ''}`);
      continue;
    }
    const def = signals.get(signal);
    if (line && !def && input) {
      problems.push(`io.${signal}: no such signal in line ${line.name}${closest(signal, signals.keys()) ? `; did you mean ${closest(signal, signals.keys())}?` : ''}`);
      continue;
    }
    if (def && def.type !== entry.type) {
      problems.push(`io.${signal}: the signal is ${def.type} but ${entry.address} is ${entry.type === 'bool' ? 'BOOL' : entry.type === 'int' ? 'an integer' : 'REAL/LREAL'}`);
      continue;
    }
    out.push({ signal, address: entry.address, type: entry.type, direction: input ? 'write' : 'read' });
  }
  if (problems.length > 0) throw new TwinloopError('CFG_INVALID', `program ${program}:\n  ${problems.join('\n  ')}`);
  return out;
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
