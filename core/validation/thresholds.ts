// The validation thresholds file (YAML, schema core/validation/validation.schema.json): defaults
// for analog, discrete, count and cycle metrics, per-signal limits and exclusions. Validated at
// the door like every twinloop file: every problem with its path and line (CFG_INVALID).

import { readFileSync } from 'node:fs';
import type { SchemaObject } from 'ajv';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { SchemaValidator } from '../config/schema-validator.ts';
import { parseYaml, readYaml, type YamlSource } from '../config/yaml-document.ts';

export const VALIDATION_SCHEMA_URL = new URL('./validation.schema.json', import.meta.url);

/** A limit; null = not checked. */
export type Limit = number | null;

export interface SignalLimits {
  cvRmse: Limit;
  nmbe: Limit;
  rmse: Limit;
  maxError: Limit;
  theilU: Limit;
  edgeP50: Limit;
  edgeP95: Limit;
  edgeMax: Limit;
  missing: Limit;
  extra: Limit;
  rateError: Limit;
  alpha: number;
}

export interface Thresholds {
  /** The n - p of Guideline 14. */
  readonly p: number;
  /** Analog metrics on means over this interval, s. */
  readonly interval: number;
  readonly settle: number;
  readonly edgeWindow: number;
  readonly countWindow: number;
  readonly minCycles: number;
  /** Tolerance of the cycle-time KS test, s (a shift up to this is no difference). */
  readonly cycleResolution: number;
  readonly defaults: Readonly<SignalLimits>;
  readonly signals: Readonly<Record<string, Partial<SignalLimits>>>;
  readonly exclude: readonly string[];
  /** The file it came from (null: defaults). */
  readonly file: string | null;
}

export const DEFAULT_LIMITS: Readonly<SignalLimits> = {
  cvRmse: 30,
  nmbe: 10,
  rmse: null,
  maxError: null,
  theilU: null,
  edgeP50: null,
  edgeP95: 0.03,
  edgeMax: 0.25,
  missing: 0.02,
  extra: 0.02,
  rateError: 0.05,
  alpha: 0.01,
};

export const DEFAULT_THRESHOLDS: Thresholds = { p: 1, interval: 1, settle: 10, edgeWindow: 2, countWindow: 60, minCycles: 20, cycleResolution: 0.1, defaults: DEFAULT_LIMITS, signals: {}, exclude: [], file: null };

/** The limits of one signal: its own over the defaults. */
export function limitsOf(th: Thresholds, signal: string): SignalLimits {
  return { ...th.defaults, ...(th.signals[signal] ?? {}) };
}

let validator: SchemaValidator | undefined;

export function validationSchema(): SchemaObject {
  return JSON.parse(readFileSync(VALIDATION_SCHEMA_URL, 'utf8')) as SchemaObject;
}

interface Raw {
  p?: number;
  interval?: number;
  settle?: number;
  analog?: Partial<Record<'cvRmse' | 'nmbe' | 'rmse' | 'maxError' | 'theilU', Limit>>;
  discrete?: Partial<Record<'edgeP50' | 'edgeP95' | 'edgeMax' | 'missing' | 'extra', Limit>> & { window?: number };
  counts?: { window?: number; rateError?: Limit };
  cycles?: { alpha?: number; minCycles?: number; resolution?: number };
  signals?: Record<string, Partial<SignalLimits>>;
  exclude?: string[];
}

/**
 * Validate a parsed thresholds document; `known` says whether a signal name is one of the line's.
 * @throws ConfigError CFG_INVALID with every problem (path and line)
 */
export function validateThresholds(src: YamlSource, known?: (signal: string) => boolean): Thresholds {
  validator ??= new SchemaValidator(validationSchema());
  const data = src.data ?? {};
  validator.assert({ ...src, data });
  const raw = data as Raw;
  const issues: ConfigIssue[] = [];
  if (known) {
    for (const name of Object.keys(raw.signals ?? {})) {
      if (!known(name)) issues.push({ file: src.file, path: `signals.${name}`, ...lineOf(src, ['signals', name]), message: `is not a signal of the line` });
    }
    (raw.exclude ?? []).forEach((name, i) => {
      if (!known(name)) issues.push({ file: src.file, path: `exclude[${i}]`, ...lineOf(src, ['exclude', i]), message: `${JSON.stringify(name)} is not a signal of the line` });
    });
  }
  if (issues.length) throw new ConfigError('CFG_INVALID', issues);
  const pick = <T>(v: T | undefined, d: T): T => (v === undefined ? d : v);
  const a = raw.analog ?? {};
  const d = raw.discrete ?? {};
  const defaults: SignalLimits = {
    cvRmse: pick(a.cvRmse, DEFAULT_LIMITS.cvRmse),
    nmbe: pick(a.nmbe, DEFAULT_LIMITS.nmbe),
    rmse: pick(a.rmse, DEFAULT_LIMITS.rmse),
    maxError: pick(a.maxError, DEFAULT_LIMITS.maxError),
    theilU: pick(a.theilU, DEFAULT_LIMITS.theilU),
    edgeP50: pick(d.edgeP50, DEFAULT_LIMITS.edgeP50),
    edgeP95: pick(d.edgeP95, DEFAULT_LIMITS.edgeP95),
    edgeMax: pick(d.edgeMax, DEFAULT_LIMITS.edgeMax),
    missing: pick(d.missing, DEFAULT_LIMITS.missing),
    extra: pick(d.extra, DEFAULT_LIMITS.extra),
    rateError: pick(raw.counts?.rateError, DEFAULT_LIMITS.rateError),
    alpha: pick(raw.cycles?.alpha, DEFAULT_LIMITS.alpha),
  };
  return {
    p: pick(raw.p, DEFAULT_THRESHOLDS.p),
    interval: pick(raw.interval, DEFAULT_THRESHOLDS.interval),
    settle: pick(raw.settle, DEFAULT_THRESHOLDS.settle),
    edgeWindow: pick(d.window, DEFAULT_THRESHOLDS.edgeWindow),
    countWindow: pick(raw.counts?.window, DEFAULT_THRESHOLDS.countWindow),
    minCycles: pick(raw.cycles?.minCycles, DEFAULT_THRESHOLDS.minCycles),
    cycleResolution: pick(raw.cycles?.resolution, DEFAULT_THRESHOLDS.cycleResolution),
    defaults,
    signals: raw.signals ?? {},
    exclude: raw.exclude ?? [],
    file: src.file,
  };
}

function lineOf(src: YamlSource, segs: (string | number)[]): { line?: number } {
  const line = src.lineOf(segs);
  return line !== undefined ? { line } : {};
}

/** Load a thresholds file. @throws ConfigError CFG_READ, CFG_INVALID */
export function loadThresholds(file: string, known?: (signal: string) => boolean): Thresholds {
  return validateThresholds(readYaml(file), known);
}

/** Parse thresholds text (`file` names it in messages). */
export function parseThresholds(file: string, text: string, known?: (signal: string) => boolean): Thresholds {
  return validateThresholds(parseYaml(file, text), known);
}
