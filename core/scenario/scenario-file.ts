// Loading a scenario file: YAML -> JSON Schema (core/scenario/scenario.schema.json, published)
// -> the checks the schema cannot express (one kind per step, which fault fields go together,
// clear names that were injected). Every problem at once, as `file: path: message (line N)`.
// Compiling against a line's signals is scenario-compile.ts.

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { SchemaObject } from 'ajv';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { SchemaValidator, formatPath } from '../config/schema-validator.ts';
import { parseYaml, readYaml, type YamlSource } from '../config/yaml-document.ts';
import { COMPONENT_FAULT_KINDS, SIGNAL_FAULT_KINDS } from '../../physics/fault-spec.ts';

export const SCENARIO_SCHEMA_URL = new URL('./scenario.schema.json', import.meta.url);
/** The line a scenario runs when it names none: the demo line. */
export const DEFAULT_LINE = new URL('../../examples/sorting.yaml', import.meta.url).pathname;

export const STEP_KINDS = ['set', 'force', 'release', 'waitUntil', 'expect', 'inject', 'clear', 'wait', 'snapshot'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
export const KPI_NAMES = ['throughput', 'cycleTime', 'energy', 'rejectRate', 'wear', 'controllerFaults', 'alarms'] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export interface Bound {
  readonly min?: number;
  readonly max?: number;
}

export interface InjectSpec {
  readonly as?: string;
  readonly signal?: string;
  readonly component?: string;
  readonly comm?: 'link-loss' | 'plc-restart';
  readonly kind?: string;
  readonly value?: number;
  readonly severity?: number;
  readonly downtime?: number;
}

/** One step as the file gives it: exactly one kind key (checked), plus an optional name. */
export interface StepSpec {
  readonly name?: string;
  readonly set?: { readonly signal: string; readonly value: number | boolean };
  readonly force?: { readonly signal: string; readonly value: number | boolean };
  readonly release?: { readonly signal: string };
  readonly waitUntil?: { readonly condition: string; readonly timeout: number };
  readonly expect?: { readonly condition: string; readonly within?: number; readonly for?: number };
  readonly inject?: InjectSpec;
  readonly clear?: string;
  readonly wait?: number;
  readonly snapshot?: { readonly file: string };
}

export interface ScenarioFile {
  readonly name: string;
  readonly description?: string;
  readonly line?: string;
  readonly plant?: string;
  readonly program?: string;
  readonly seed?: number;
  readonly initial?: string;
  readonly overrides?: Readonly<Record<string, number | string | boolean>>;
  readonly sampleMs?: number;
  readonly steps: readonly StepSpec[];
  readonly kpis?: Partial<Readonly<Record<KpiName, Bound>>>;
}

/** A validated scenario with its syntax tree (for line numbers) and absolute paths. */
export interface ScenarioDoc {
  readonly file: string;
  readonly data: ScenarioFile;
  readonly src: YamlSource;
  /** Absolute paths of the files the scenario names (line defaults to the demo line). */
  readonly linePath: string;
  readonly plantPath?: string;
  readonly initialPath?: string;
}

let validator: SchemaValidator | undefined;

export function scenarioSchema(): SchemaObject {
  return JSON.parse(readFileSync(SCENARIO_SCHEMA_URL, 'utf8')) as SchemaObject;
}

/** The kind key of a step (validated docs have exactly one). */
export function stepKind(step: StepSpec): StepKind {
  return STEP_KINDS.find((k) => step[k] !== undefined)!;
}

/** Problems the schema cannot see, as (path segments, message). */
function crossCheck(s: ScenarioFile): { segs: (string | number)[]; message: string }[] {
  const out: { segs: (string | number)[]; message: string }[] = [];
  const injected = new Set<string>();
  s.steps.forEach((step, i) => {
    const at = (...rest: (string | number)[]): (string | number)[] => ['steps', i, ...rest];
    const kinds = STEP_KINDS.filter((k) => step[k] !== undefined);
    if (kinds.length === 0) out.push({ segs: at(), message: `needs one step kind: ${STEP_KINDS.join(', ')}` });
    if (kinds.length > 1) out.push({ segs: at(kinds[1]!), message: `a step has one kind; this one has ${kinds.join(' and ')}: split it into ${kinds.length} steps` });
    if (step.expect && step.expect.within !== undefined && step.expect.for !== undefined) {
      out.push({ segs: at('expect', 'for'), message: 'give within (becomes true in time) or for (holds the whole time), not both' });
    }
    const f = step.inject;
    if (f) {
      const targets = (['signal', 'component', 'comm'] as const).filter((k) => f[k] !== undefined);
      if (targets.length !== 1) {
        out.push({ segs: at('inject'), message: `needs exactly one of signal, component, comm; got ${targets.length ? targets.join(', ') : 'none'}` });
      } else if (f.comm !== undefined) {
        for (const k of ['kind', 'value', 'severity'] as const) if (f[k] !== undefined) out.push({ segs: at('inject', k), message: `does not apply to a communication fault` });
        if (f.downtime !== undefined && f.comm !== 'plc-restart') out.push({ segs: at('inject', 'downtime'), message: 'applies to plc-restart only' });
        if (f.comm === 'plc-restart' && f.as !== undefined) out.push({ segs: at('inject', 'as'), message: 'a plc-restart is over by itself; there is nothing to clear' });
        if (f.comm === 'link-loss') injected.add('link-loss');
      } else {
        const signal = f.signal !== undefined;
        const kinds: readonly string[] = signal ? SIGNAL_FAULT_KINDS : COMPONENT_FAULT_KINDS;
        if (f.kind === undefined) out.push({ segs: at('inject', 'kind'), message: `is required; one of ${kinds.join(', ')}` });
        else if (!kinds.includes(f.kind)) out.push({ segs: at('inject', 'kind'), message: `${f.kind} is not a ${signal ? 'signal' : 'component'} fault; one of ${kinds.join(', ')}` });
        if (signal && f.severity !== undefined) out.push({ segs: at('inject', 'severity'), message: 'applies to component faults; a signal fault takes value' });
        if (!signal && f.value !== undefined) out.push({ segs: at('inject', 'value'), message: 'applies to signal faults; a component fault takes severity' });
        if (f.downtime !== undefined) out.push({ segs: at('inject', 'downtime'), message: 'applies to plc-restart only' });
        if (f.as !== undefined) {
          if (f.as === 'link-loss') out.push({ segs: at('inject', 'as'), message: 'link-loss is reserved for the communication fault' });
          else if (injected.has(f.as)) out.push({ segs: at('inject', 'as'), message: `${f.as} names an earlier fault already` });
          injected.add(f.as);
        }
      }
    }
    if (step.clear !== undefined && !injected.has(step.clear)) {
      out.push({ segs: at('clear'), message: `no earlier inject step is named ${JSON.stringify(step.clear)} (inject ... as: NAME)${injected.size ? `; injected: ${[...injected].join(', ')}` : ''}` });
    }
  });
  const k = s.kpis;
  for (const name of KPI_NAMES) {
    const b = k?.[name];
    if (b && b.min !== undefined && b.max !== undefined && b.min > b.max) out.push({ segs: ['kpis', name], message: `min ${b.min} is above max ${b.max}` });
  }
  return out;
}

/** Validate an already parsed source. @throws ConfigError CFG_INVALID */
export function validateScenario(src: YamlSource): ScenarioDoc {
  validator ??= new SchemaValidator(scenarioSchema());
  validator.assert(src);
  const data = src.data as ScenarioFile;
  const issues: ConfigIssue[] = crossCheck(data).map(({ segs, message }) => {
    const line = src.lineOf(segs);
    return { file: src.file, path: formatPath(segs), ...(line !== undefined ? { line } : {}), message };
  });
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  const dir = dirname(resolve(src.file));
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(dir, p));
  return {
    file: src.file,
    data,
    src,
    linePath: data.line !== undefined ? abs(data.line) : DEFAULT_LINE,
    ...(data.plant !== undefined ? { plantPath: abs(data.plant) } : {}),
    ...(data.initial !== undefined ? { initialPath: abs(data.initial) } : {}),
  };
}

/** Read, parse and validate a scenario file. @throws ConfigError CFG_READ | CFG_INVALID */
export function loadScenarioFile(file: string): ScenarioDoc {
  return validateScenario(readYaml(file));
}

/** The same from text (tests, uploads). */
export function parseScenarioFile(file: string, text: string): ScenarioDoc {
  return validateScenario(parseYaml(file, text));
}
