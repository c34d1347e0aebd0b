// A validated scenario compiled against its line: the line loaded (seed and overrides applied),
// the built-in controller and its tag map chosen, the signal catalog built, every signal name
// resolved to an id and every condition compiled to a closure, once. Problems are reported like
// schema errors, with the path and line in the scenario file.

import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { loadLineFile } from '../config/line-file.ts';
import { formatPath } from '../config/schema-validator.ts';
import { TwinloopError } from '../errors.ts';
import type { TagMapping } from '../exchange.ts';
import { programTagMap, runSignals } from '../engine/run-catalog.ts';
import type { SignalDef } from '../signals.ts';
import type { PlantController, PlantFile } from '../config/plant-file.ts';
import { lineSignals, type LineFile } from '../../physics/model.ts';
import { COMPONENT_FAULT_TARGET, type ComponentFaultKind, type FaultSpec, type SignalFaultKind } from '../../physics/fault-spec.ts';
import type { ControllerConfig } from '../../plc-adapters/factory.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';
import { absoluteSpec, compileSpec, isSourceSpec, NO_PROGRAM } from '../../plc-adapters/sim/program-source.ts';
import { compileExpression, ExpressionError, type CompiledExpression } from './expression.ts';
import { applyOverrides, type OverrideValue } from './line-overrides.ts';
import { stepKind, type ScenarioDoc } from './scenario-file.ts';

/** A step ready to run: ids resolved, conditions compiled, durations in ticks. */
export type CompiledStep = { readonly index: number; readonly label: string; readonly line?: number } & (
  | { readonly kind: 'set' | 'force'; readonly id: number; readonly value: number }
  | { readonly kind: 'release'; readonly id: number }
  | { readonly kind: 'waitUntil' | 'expectWithin'; readonly condition: CompiledExpression; readonly ticks: number }
  | { readonly kind: 'expectFor'; readonly condition: CompiledExpression; readonly ticks: number }
  | { readonly kind: 'inject'; readonly fault: FaultSpec; readonly as?: string }
  | { readonly kind: 'linkLoss' }
  | { readonly kind: 'plcRestart'; readonly downTicks: number }
  | { readonly kind: 'clear'; readonly name: string }
  | { readonly kind: 'wait'; readonly ticks: number }
  | { readonly kind: 'snapshot'; readonly file: string }
);

export interface PreparedScenario {
  readonly doc: ScenarioDoc;
  readonly name: string;
  readonly line: LineFile;
  readonly controller: ControllerConfig;
  readonly tagMap: readonly TagMapping[];
  readonly defs: readonly SignalDef[];
  readonly ids: ReadonlyMap<string, number>;
  readonly steps: readonly CompiledStep[];
  /** Signals the steps read or write, in order of first use (trend and trace). */
  readonly involved: readonly string[];
  readonly seed: number;
  readonly sampleMs: number;
  readonly initial?: Uint8Array;
  /** A network controller (OPC UA, ADS, S7; a soft PLC when the plant names one): real time. */
  readonly network?: { readonly plant: PlantFile; readonly controller: PlantController };
}

export interface PrepareOptions {
  /** Built-in program to test (wins over the file's `program`), e.g. a candidate version. */
  readonly program?: string;
  /** Extra line overrides (a sweep point), applied after the file's. */
  readonly overrides?: Readonly<Record<string, OverrideValue>>;
}

const seconds = (s: number): string => `${s} s`;

// A suite names the same line file in every scenario: validate it once per process (per pool
// worker), again only when the file changes. Frozen, since every run shares it.
const lines = new Map<string, { mtimeMs: number; line: LineFile }>();
function cachedLine(path: string): LineFile {
  let mtimeMs = -1;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    // loadLineFile reports the missing file with its usual message
  }
  const hit = lines.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.line;
  const line = Object.freeze(loadLineFile(path));
  if (lines.size > 64) lines.clear();
  lines.set(path, { mtimeMs, line });
  return line;
}

/**
 * Compile a validated scenario.
 * @throws ConfigError CFG_INVALID with every unknown signal, bad condition or fault target
 */
export async function prepareScenario(doc: ScenarioDoc, options: PrepareOptions = {}): Promise<PreparedScenario> {
  const s = doc.data;
  const issues: ConfigIssue[] = [];
  const issue = (segs: (string | number)[], message: string): void => {
    const line = doc.src.lineOf(segs);
    issues.push({ file: doc.file, path: formatPath(segs), ...(line !== undefined ? { line } : {}), message });
  };

  let line = cachedLine(doc.linePath);
  const overrides = { ...(s.overrides ?? {}), ...(options.overrides ?? {}) };
  if (Object.keys(overrides).length > 0) line = applyOverrides(line, overrides, doc.file);
  // The seed passed the scenario schema already (an integer in uint32 range).
  if (s.seed !== undefined) line = { ...line, seed: s.seed };

  let controller: ControllerConfig;
  let tagMap: TagMapping[];
  let network: PreparedScenario['network'];
  if (doc.plantPath !== undefined) {
    // Loaded on demand: most scenarios name no plant file.
    const { loadPlantFile } = await import('../config/plant-file.ts');
    const plant = loadPlantFile(doc.plantPath);
    const pc = plant.controllers[0]!;
    if (plant.controllers.length !== 1 || pc.readOnly) {
      throw new TwinloopError('CFG_INVALID', `${doc.file}: plant ${doc.plantPath}: a scenario couples to exactly one controller, not read-only (shadow mode)`);
    }
    tagMap = pc.tags.map((t) => ({ signal: t.signal, address: t.address, type: t.type, direction: t.direction }));
    if (pc.protocol === 'sim') {
      controller = { name: pc.name, protocol: 'sim', program: options.program ?? pc.program ?? DEFAULT_PROGRAM, cycleMs: pc.cycleMs };
    } else {
      // A network PLC: the scenario runs in real time through the wire (realtime-runner.ts).
      const program = options.program ?? (s.program !== undefined ? absoluteSpec(s.program, dirname(resolve(doc.file))) : undefined) ?? pc.softPlc?.program;
      controller = { name: pc.name, protocol: pc.protocol, cycleMs: pc.cycleMs, ...(program !== undefined ? { program } : {}) };
      network = { plant, controller: pc };
    }
  } else {
    // The scenario file's program is relative to it; a line without a program runs without one.
    const program = options.program ?? (s.program !== undefined ? absoluteSpec(s.program, dirname(resolve(doc.file))) : undefined) ?? line.program ?? NO_PROGRAM;
    controller = { name: 'plc1', protocol: 'sim', program, cycleMs: 10 };
    tagMap = programTagMap(program, line);
  }
  tagMap.push(...programVariableTags(controller, line, tagMap, s));
  const defs = runSignals(line, tagMap);
  const ids = new Map(defs.map((d, i) => [d.name, i] as const));
  const modelSignals = new Set(lineSignals(line).map((d) => d.name));
  const names = (): string[] => defs.map((d) => d.name).filter((n) => !n.startsWith('items.'));
  const types = new Map(line.components.map((c) => [c.id, c.type] as const));
  const dt = line.dt ?? 0.001;
  const ticks = (sec: number): number => Math.round(sec / dt);

  const involved: string[] = [];
  const use = (name: string): void => {
    if (!involved.includes(name)) involved.push(name);
  };
  const signal = (segs: (string | number)[], name: string): number => {
    const id = ids.get(name);
    if (id === undefined) {
      const prefix = name.split('.')[0]!;
      const near = names().filter((n) => n.startsWith(`${prefix}.`));
      issue(segs, `unknown signal ${JSON.stringify(name)}${near.length ? `; signals of ${prefix}: ${near.join(', ')}` : ''}`);
      return -1;
    }
    use(name);
    return id;
  };
  const condition = (segs: (string | number)[], text: string): CompiledExpression | null => {
    try {
      const c = compileExpression(text, (n) => ids.get(n), names);
      c.signals.forEach(use);
      return c;
    } catch (err) {
      if (err instanceof ExpressionError) {
        issue(segs, `condition ${JSON.stringify(text)}: ${err.message}`);
        return null;
      }
      throw err;
    }
  };

  const steps: CompiledStep[] = [];
  if (network && s.initial !== undefined) issue(['initial'], 'a snapshot start needs the lock-step (built-in) controller; this plant couples a network PLC in real time');
  s.steps.forEach((st, index) => {
    const kind = stepKind(st);
    const at = (...rest: (string | number)[]): (string | number)[] => ['steps', index, kind, ...rest];
    if (network && (kind === 'set' || kind === 'snapshot')) issue(['steps', index, kind], `${kind} needs the lock-step (built-in) controller; against a network PLC in real time use force${kind === 'snapshot' ? ' (snapshots: not available in real time)' : ''}`);
    if (network && st.inject?.comm !== undefined && !network.controller.softPlc) issue(['steps', index, 'inject', 'comm'], 'communication faults against a network PLC need a soft PLC (softPlc: in the plant file) that twinloop can stop and restart');
    const srcLine = doc.src.lineOf(['steps', index]);
    const base = { index, ...(srcLine !== undefined ? { line: srcLine } : {}) };
    const named = (label: string): string => (st.name ? `${st.name}: ${label}` : label);
    switch (kind) {
      case 'set':
      case 'force': {
        const a = st[kind]!;
        const id = signal(at('signal'), a.signal);
        const value = typeof a.value === 'boolean' ? (a.value ? 1 : 0) : a.value;
        steps.push({ ...base, kind, id, value, label: named(`${kind} ${a.signal} = ${value}`) });
        break;
      }
      case 'release': {
        const id = signal(at('signal'), st.release!.signal);
        steps.push({ ...base, kind, id, label: named(`release ${st.release!.signal}`) });
        break;
      }
      case 'waitUntil': {
        const w = st.waitUntil!;
        const c = condition(at('condition'), w.condition);
        if (c) steps.push({ ...base, kind, condition: c, ticks: ticks(w.timeout), label: named(`waitUntil ${w.condition} (timeout ${seconds(w.timeout)})`) });
        break;
      }
      case 'expect': {
        const e = st.expect!;
        const c = condition(at('condition'), e.condition);
        if (!c) break;
        if (e.for !== undefined) steps.push({ ...base, kind: 'expectFor', condition: c, ticks: ticks(e.for), label: named(`expect ${e.condition} for ${seconds(e.for)}`) });
        else steps.push({ ...base, kind: 'expectWithin', condition: c, ticks: ticks(e.within ?? 0), label: named(`expect ${e.condition}${e.within ? ` within ${seconds(e.within)}` : ''}`) });
        break;
      }
      case 'inject': {
        const f = st.inject!;
        if (f.comm === 'link-loss') steps.push({ ...base, kind: 'linkLoss', label: named('inject link-loss') });
        else if (f.comm === 'plc-restart') {
          const down = f.downtime ?? 1;
          steps.push({ ...base, kind: 'plcRestart', downTicks: ticks(down), label: named(`inject plc-restart (down ${seconds(down)})`) });
        } else if (f.signal !== undefined) {
          if (!modelSignals.has(f.signal)) {
            issue(at('signal'), ids.has(f.signal) ? `${f.signal} is a controller output the model does not know; a signal fault acts on a model signal` : `unknown signal ${JSON.stringify(f.signal)}`);
            break;
          }
          use(f.signal);
          const fault: FaultSpec = { target: 'signal', signal: f.signal, kind: f.kind as SignalFaultKind, ...(f.value !== undefined ? { value: f.value } : {}) };
          steps.push({ ...base, kind, fault, ...(f.as ? { as: f.as } : {}), label: named(`inject ${f.kind} on ${f.signal}${f.value !== undefined ? ` (${f.value})` : ''}`) });
        } else {
          const comp = f.component!;
          const kindName = f.kind as ComponentFaultKind;
          const type = types.get(comp);
          if (type === undefined) {
            issue(at('component'), `unknown component ${JSON.stringify(comp)}; components: ${[...types.keys()].join(', ')}`);
            break;
          }
          if (!COMPONENT_FAULT_TARGET[kindName].includes(type)) {
            issue(at('kind'), `${kindName} applies to a ${COMPONENT_FAULT_TARGET[kindName].join(' or ')}; ${comp} is a ${type}`);
            break;
          }
          const fault: FaultSpec = { target: 'component', component: comp, kind: kindName, ...(f.severity !== undefined ? { severity: f.severity } : {}) };
          steps.push({ ...base, kind, fault, ...(f.as ? { as: f.as } : {}), label: named(`inject ${kindName} on ${comp}${f.severity !== undefined ? ` (severity ${f.severity})` : ''}`) });
        }
        break;
      }
      case 'clear':
        steps.push({ ...base, kind, name: st.clear!, label: named(`clear ${st.clear}`) });
        break;
      case 'wait':
        steps.push({ ...base, kind, ticks: ticks(st.wait!), label: named(`wait ${seconds(st.wait!)}`) });
        break;
      case 'snapshot': {
        const file = st.snapshot!.file;
        if (basename(file) !== file) issue(at('file'), `must be a plain file name (it is written into the run's result directory), got ${JSON.stringify(file)}`);
        steps.push({ ...base, kind, file, label: named(`snapshot ${file}`) });
        break;
      }
    }
  });
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);

  let initial: Uint8Array | undefined;
  if (doc.initialPath !== undefined) {
    try {
      initial = new Uint8Array(readFileSync(doc.initialPath));
    } catch (err) {
      throw new ConfigError('CFG_READ', [{ file: doc.file, path: 'initial', message: `cannot read snapshot ${doc.initialPath}: ${(err as Error).message}` }], { cause: err });
    }
  }
  return {
    doc,
    name: s.name,
    line,
    controller,
    tagMap,
    defs,
    ids,
    steps,
    involved,
    seed: line.seed ?? 0,
    sampleMs: s.sampleMs ?? 10,
    ...(initial ? { initial } : {}),
    ...(network ? { network } : {}),
  };
}

/**
 * Program variables a scenario names (`expect: SORTING.step == 2`): with an ST program in the
 * built-in controller, every dotted name in the scenario that is no signal but a scalar variable
 * of the program becomes a read tag, so conditions see it like a controller output.
 */
function programVariableTags(controller: ControllerConfig, line: LineFile, tagMap: readonly TagMapping[], scenario: unknown): TagMapping[] {
  if (controller.protocol !== 'sim' || controller.program === undefined || !isSourceSpec(controller.program)) return [];
  const program = compileSpec(controller.program).program;
  if (program === null) return [];
  const known = new Set([...lineSignals(line).map((d) => d.name), ...tagMap.map((t) => t.signal)]);
  const out: TagMapping[] = [];
  for (const m of JSON.stringify(scenario).matchAll(/[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+(?:,\s*\d+)*\])+/g)) {
    const name = m[0];
    if (known.has(name)) continue;
    const type = program.signalType(name);
    if (type === null) continue;
    known.add(name);
    out.push({ signal: name, address: name, type, direction: 'read' });
  }
  return out;
}
