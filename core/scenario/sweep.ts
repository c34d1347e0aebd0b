// What-if sweeps: a grid of line and program parameters (sweep file or command-line --param),
// expanded to points, each run for N simulated minutes in the pool; a table (CSV and console)
// and an SVG plot of throughput, energy, reject rate and wear per point.

import { absoluteSpec, NO_PROGRAM } from '../../plc-adapters/sim/program-source.ts';
import { loadLineFile } from '../config/line-file.ts';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { TwinloopError } from '../errors.ts';
import { SchemaValidator } from '../config/schema-validator.ts';
import { readYaml, type YamlSource } from '../config/yaml-document.ts';
import { DEFAULT_LINE } from './scenario-file.ts';
import type { OverrideValue } from './line-overrides.ts';
import type { ScenarioResult } from './runner.ts';
import type { SweepPointTask } from './sweep-point.ts';
import { seriesSvg } from './svg-chart.ts';

export const SWEEP_SCHEMA_URL = new URL('./sweep.schema.json', import.meta.url);

export interface SweepSpec {
  readonly name: string;
  /** Absolute path of the line file. */
  readonly line: string;
  readonly program: string;
  /** Simulated seconds per point. */
  readonly duration: number;
  readonly seed?: number;
  readonly sampleMs: number;
  readonly grid: Readonly<Record<string, readonly OverrideValue[]>>;
}

/** Most points a sweep may have (every loop bounded). */
export const MAX_POINTS = 10_000;

let validator: SchemaValidator | undefined;

/** Read and validate a sweep file. @throws ConfigError */
export function loadSweepFile(file: string): SweepSpec {
  return sweepFrom(readYaml(file));
}

export function sweepFrom(src: YamlSource): SweepSpec {
  validator ??= new SchemaValidator(JSON.parse(readFileSync(SWEEP_SCHEMA_URL, 'utf8')) as object);
  validator.assert(src);
  const d = src.data as { name: string; line?: string; program?: string; duration?: number; seed?: number; sampleMs?: number; grid: Record<string, OverrideValue[]> };
  const dir = dirname(resolve(src.file));
  const line = d.line === undefined ? DEFAULT_LINE : isAbsolute(d.line) ? d.line : resolve(dir, d.line);
  return {
    name: d.name,
    line,
    // The sweep file's program (a path relative to it), else the line file's, else sorting.
    program: d.program !== undefined ? absoluteSpec(d.program, dir) : lineProgram(line),
    duration: d.duration ?? 600,
    ...(d.seed !== undefined ? { seed: d.seed } : {}),
    sampleMs: d.sampleMs ?? 100,
    grid: d.grid,
  };
}

/** The program a line file names (absolute), else none (the line runs without a controller). */
export function lineProgram(line: string): string {
  return loadLineFile(line).program ?? NO_PROGRAM;
}

/** `components[src].rate=0.2,0.4` -> [path, values]. Also `a=0.2:0.6:0.2` (from:to:step). */
export function parseParamArg(arg: string): [string, OverrideValue[]] {
  const eq = arg.lastIndexOf('=');
  if (eq <= 0) throw new TwinloopError('CFG_INVALID', `--param ${JSON.stringify(arg)}: expected PATH=V1,V2,... or PATH=FROM:TO:STEP`);
  const path = arg.slice(0, eq);
  const text = arg.slice(eq + 1);
  const range = /^(-?[\d.]+):(-?[\d.]+):([\d.]+)$/.exec(text);
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), Number(range[3])];
    if (!(step > 0) || !(to >= from)) throw new TwinloopError('CFG_INVALID', `--param ${path}: range ${text} needs from <= to and step > 0`);
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > MAX_POINTS) throw new TwinloopError('CFG_INVALID', `--param ${path}: ${n} values, at most ${MAX_POINTS}`);
    return [path, Array.from({ length: n }, (_, k) => Number((from + k * step).toPrecision(12)))];
  }
  const values = text.split(',').map((s): OverrideValue => {
    const t = s.trim();
    if (t === 'true' || t === 'false') return t === 'true';
    const n = Number(t);
    return t !== '' && Number.isFinite(n) ? n : t;
  });
  return [path, values];
}

export interface SweepPoint {
  readonly index: number;
  readonly params: Readonly<Record<string, OverrideValue>>;
  readonly task: SweepPointTask;
}

/** Every combination of the grid, the first parameter varying slowest. */
export function expandGrid(spec: SweepSpec): SweepPoint[] {
  const keys = Object.keys(spec.grid);
  const total = keys.reduce((n, k) => n * spec.grid[k]!.length, 1);
  if (total > MAX_POINTS) throw new TwinloopError('CFG_INVALID', `sweep ${spec.name}: ${total} points, at most ${MAX_POINTS}`);
  const points: SweepPoint[] = [];
  for (let i = 0; i < total; i++) {
    let rest = i;
    const params: Record<string, OverrideValue> = {};
    for (let k = keys.length - 1; k >= 0; k--) {
      const vals = spec.grid[keys[k]!]!;
      params[keys[k]!] = vals[rest % vals.length]!;
      rest = Math.floor(rest / vals.length);
    }
    const ordered = Object.fromEntries(keys.map((k) => [k, params[k]!]));
    const overrides: Record<string, OverrideValue> = {};
    const programParams: Record<string, number> = {};
    for (const [k, v] of Object.entries(ordered)) {
      if (k.startsWith('program.')) {
        if (typeof v !== 'number') throw new TwinloopError('CFG_INVALID', `sweep ${spec.name}: ${k} must be numbers, got ${JSON.stringify(v)}`);
        programParams[k.slice('program.'.length)] = v;
      } else overrides[k] = v;
    }
    const name = `${spec.name}-${String(i + 1).padStart(String(total).length, '0')}`;
    points.push({
      index: i,
      params: ordered,
      task: { name, line: spec.line, program: spec.program, duration: spec.duration, ...(spec.seed !== undefined ? { seed: spec.seed } : {}), sampleMs: spec.sampleMs, overrides, programParams },
    });
  }
  return points;
}

export interface SweepRow {
  readonly point: SweepPoint;
  readonly result: ScenarioResult;
}

const COLUMNS = ['throughput', 'cycleTime', 'energy', 'rejectRate', 'wear', 'controllerFaults', 'items'] as const;

function cell(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return '';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** CSV: one row per point, its parameters then its KPIs. */
export function sweepCsv(rows: readonly SweepRow[]): string {
  const keys = rows.length ? Object.keys(rows[0]!.point.params) : [];
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [['point', ...keys, ...COLUMNS, 'status'].map(q).join(',')];
  for (const r of rows) {
    const k = r.result.kpiValues;
    lines.push([String(r.point.index + 1), ...keys.map((p) => String(r.point.params[p])), ...COLUMNS.map((c) => cell(k?.[c])), r.result.status === 'error' ? `error: ${r.result.message ?? ''}` : 'ok'].map(q).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The console table (fixed-width columns). */
export function sweepTable(rows: readonly SweepRow[]): string {
  const keys = rows.length ? Object.keys(rows[0]!.point.params) : [];
  const head = ['#', ...keys, 'items/min', 'cycle s', 'kWh', 'reject', 'wear'];
  const body = rows.map((r) => {
    const k = r.result.kpiValues;
    const short = (x: number | undefined): string => (x === undefined || !Number.isFinite(x) ? '' : String(Number(x.toPrecision(4))));
    return [String(r.point.index + 1), ...keys.map((p) => String(r.point.params[p])), short(k?.throughput), short(k?.cycleTime), short(k?.energy), short(k?.rejectRate), short(k?.wear)];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((b) => b[c]!.length)));
  const line = (cells: string[]): string => cells.map((s, c) => s.padStart(widths[c]!)).join('  ');
  return [line(head), ...body.map(line)].join('\n');
}

/** The plot: throughput, energy, reject rate and wear over the points. */
export function sweepSvg(name: string, rows: readonly SweepRow[]): string {
  const labels = rows.map((r) => `#${r.point.index + 1} ${Object.entries(r.point.params).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  const get = (c: 'throughput' | 'energy' | 'rejectRate' | 'wear'): number[] => rows.map((r) => r.result.kpiValues?.[c] ?? NaN);
  return seriesSvg(`sweep ${name}`, labels, [
    { name: 'throughput', unit: 'items/min', values: get('throughput') },
    { name: 'energy', unit: 'kWh', values: get('energy') },
    { name: 'reject rate', unit: '', values: get('rejectRate') },
    { name: 'wear', unit: '', values: get('wear') },
  ]);
}
