// The fit file of `twinloop model calibrate` (YAML, published schema core/calibration/fit.schema.json):
// which line parameters to fit, their bounds and start, the signals of the objective, and the
// search's budget. Checked against the schema, then against the line: every path must name a
// component and a numeric parameter its type has, min < max, the start within the bounds.
// Every problem is reported at once with file, path and line.

import { readFileSync } from 'node:fs';
import type { SchemaObject } from 'ajv';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { SchemaValidator } from '../config/schema-validator.ts';
import { parseYaml, readYaml, type YamlSource } from '../config/yaml-document.ts';
import { componentParams } from '../config/line-file.ts';
import type { LineFile } from '../../physics/model.ts';
import { checkPath } from './overlay.ts';

export const FIT_SCHEMA_URL = new URL('./fit.schema.json', import.meta.url);

export interface FitParameter {
  readonly path: string;
  readonly min: number;
  readonly max: number;
  /** Where the search starts. */
  readonly initial: number;
  /** The line's own value (undefined when the line leaves it to its default). */
  readonly lineValue: number | undefined;
}

export interface FitSpec {
  readonly file: string;
  readonly parameters: readonly FitParameter[];
  /** Signals of the objective; empty = every compared signal of the history. */
  readonly signals: readonly string[];
  readonly edgeWindow: number;
  readonly maxEvaluations: number;
  readonly starts: number;
  readonly train?: readonly [number, number];
  readonly holdout?: readonly [number, number];
}

interface Raw {
  parameters: { path: string; min: number; max: number; initial?: number }[];
  signals?: string[];
  edgeWindow?: number;
  maxEvaluations?: number;
  starts?: number;
  train?: string;
  holdout?: string;
}

let validator: SchemaValidator | undefined;

export function fitSchema(): SchemaObject {
  return JSON.parse(readFileSync(FIT_SCHEMA_URL, 'utf8')) as SchemaObject;
}

/** `from..to` in seconds; undefined when malformed or empty. */
export function parseWindow(text: string): [number, number] | undefined {
  const m = /^([0-9]+(?:\.[0-9]*)?)\.\.([0-9]+(?:\.[0-9]*)?)$/.exec(text.trim());
  if (m === null) return undefined;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return b > a ? [a, b] : undefined;
}

/** @throws ConfigError CFG_INVALID with every problem */
export function validateFit(src: YamlSource, line: LineFile): FitSpec {
  validator ??= new SchemaValidator(fitSchema());
  validator.assert(src);
  const raw = src.data as Raw;
  const issues: ConfigIssue[] = [];
  const at = (segs: (string | number)[]): { line?: number } => {
    const l = src.lineOf(segs);
    return l !== undefined ? { line: l } : {};
  };
  const components = line.components as unknown as { id: string; type: string }[];
  const params: FitParameter[] = [];
  const seen = new Set<string>();
  raw.parameters.forEach((p, i) => {
    const where = { file: src.file, path: `parameters[${i}]` };
    if (seen.has(p.path)) issues.push({ ...where, path: `${where.path}.path`, ...at(['parameters', i, 'path']), message: `${p.path} is fitted twice` });
    seen.add(p.path);
    const c = checkPath(components, p.path, componentParams);
    if ('error' in c) {
      issues.push({ ...where, path: `${where.path}.path`, ...at(['parameters', i, 'path']), message: c.error });
      return;
    }
    if (!(p.min < p.max)) {
      issues.push({ ...where, path: `${where.path}.max`, ...at(['parameters', i, 'max']), message: `max must be more than min (${p.min}), got ${p.max}` });
      return;
    }
    const initial = p.initial ?? (c.current !== undefined && c.current >= p.min && c.current <= p.max ? c.current : (p.min + p.max) / 2);
    if (initial < p.min || initial > p.max) {
      issues.push({ ...where, path: `${where.path}.initial`, ...at(['parameters', i, 'initial']), message: `must be within [${p.min}, ${p.max}], got ${initial}` });
      return;
    }
    params.push({ path: p.path, min: p.min, max: p.max, initial, lineValue: c.current });
  });
  const window = (key: 'train' | 'holdout'): readonly [number, number] | undefined => {
    const t = raw[key];
    if (t === undefined) return undefined;
    const w = parseWindow(t);
    if (w === undefined) issues.push({ file: src.file, path: key, ...at([key]), message: `expected from..to in seconds with to > from, got ${JSON.stringify(t)}` });
    return w;
  };
  const train = window('train');
  const holdout = window('holdout');
  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return {
    file: src.file,
    parameters: params,
    signals: raw.signals ?? [],
    edgeWindow: raw.edgeWindow ?? 2,
    // Nelder-Mead with restarts took 80-130 points per parameter to converge on the bench's five (search.ts).
    maxEvaluations: raw.maxEvaluations ?? 150 * Math.max(1, params.length),
    starts: raw.starts ?? 2,
    ...(train ? { train } : {}),
    ...(holdout ? { holdout } : {}),
  };
}

/** @throws ConfigError CFG_READ, CFG_INVALID */
export function loadFitFile(file: string, line: LineFile): FitSpec {
  return validateFit(readYaml(file), line);
}

export function parseFitFile(file: string, text: string, line: LineFile): FitSpec {
  return validateFit(parseYaml(file, text), line);
}
