// Loads a production plan file (YAML, schema core/planning/plan.schema.json) and its orders
// (inline or a CSV file), checks what the schema cannot (times that parse, products, stations
// and orders that exist, a fixed sequence that names every order once, a line file's stations)
// and returns the PlanSpec the scheduler runs. A plan naming a line file takes the line's products
// and its machines' changeover blocks (physics/line-products.ts); one both files give must be the
// same, else an error names both places (docs/planning.md, "Products and changeovers in the line file"). Every problem is reported at once, with the file,
// the path inside it and its line (CSV: line and column).

import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, type ConfigIssue } from '../config/config-error.ts';
import { formatPath, SchemaValidator } from '../config/schema-validator.ts';
import { readYaml, type YamlSource } from '../config/yaml-document.ts';
import { validateLine } from '../config/line-file.ts';
import { lineSignals } from '../../physics/model.ts';
import { STATION_TYPES } from '../kpi/station-plan.ts';
import type { CalendarSpec, Window } from './calendar.ts';
import { readOrderCsv } from './order-csv.ts';
import { parseDuration, parseInstant } from './plan-time.ts';
import { RULES, type OrderSpec, type PlanSpec, type ProductSpec, type Rule, type StationSpec } from './plan-spec.ts';

export const PLAN_SCHEMA_URL = new URL('./plan.schema.json', import.meta.url);

let validator: SchemaValidator | undefined;

type Raw = Record<string, unknown>;

/** Read and check a plan file. @throws ConfigError */
export function loadPlanFile(file: string): PlanSpec {
  return planFrom(readYaml(file));
}

/** Check a parsed plan document. @throws ConfigError */
export function planFrom(src: YamlSource): PlanSpec {
  validator ??= new SchemaValidator(JSON.parse(readFileSync(PLAN_SCHEMA_URL, 'utf8')) as object);
  validator.assert(src);
  const issues: ConfigIssue[] = [];
  const at = (segs: (string | number)[], message: string): void => {
    const line = src.lineOf(segs);
    issues.push({ file: src.file, path: formatPath(segs), ...(line !== undefined ? { line } : {}), message });
  };
  const d = src.data as Raw;
  const dir = dirname(resolve(src.file));
  const dur = (v: unknown, segs: (string | number)[], fallback: number): number => {
    if (v === undefined) return fallback;
    const s = parseDuration(v);
    if (s === undefined) at(segs, `must be a duration (seconds, or 90s, 20min, 8h, 1h30min, 2d), got ${JSON.stringify(v)}`);
    return s ?? fallback;
  };
  const instant = (v: unknown, segs: (string | number)[], fallback: number): number => {
    if (v === undefined) return fallback;
    const s = parseInstant(v);
    if (s === undefined) at(segs, `must be a time from the plan start (seconds, 06:00, 2d 14:30, 36h), got ${JSON.stringify(v)}`);
    return s ?? fallback;
  };

  // The line file, first: its products and its machines' changeover blocks are the plan's too.
  const line = typeof d['line'] === 'string' ? (isAbsolute(d['line']) ? d['line'] : resolve(dir, d['line'])) : undefined;
  const lineSrc = line !== undefined ? readYaml(line) : undefined;
  const lf = lineSrc !== undefined ? validateLine(lineSrc) : undefined;
  // The line file as a message names it: from the working directory when below it.
  const lineName = line === undefined ? '' : relative(process.cwd(), line).startsWith('..') ? line : relative(process.cwd(), line);
  const lineAt = (segs: (string | number)[], message: string): void => {
    const ln = lineSrc!.lineOf(segs);
    issues.push({ file: lineName, path: formatPath(segs), ...(ln !== undefined ? { line: ln } : {}), message });
  };
  const lineComp = new Map((lf?.components ?? []).map((c, i) => [c.id, { cfg: c, index: i }]));
  let signalNames: Set<string> | undefined;
  const lineSignal = (name: string): boolean => {
    signalNames ??= new Set(lineSignals(lf!).map((x) => x.name));
    return signalNames.has(name);
  };
  /** `components[2].changeover (line 14)` of the line file, for messages. */
  const linePlace = (segs: (string | number)[]): string => {
    const ln = lineSrc!.lineOf(segs);
    return `${lineName} ${formatPath(segs)}${ln !== undefined ? ` (line ${ln})` : ''}`;
  };
  const sources: string[] = [];

  // Stations; a station without a changeover block takes its line machine's.
  const rawStations = d['stations'] as Raw[];
  const stationIx = new Map<string, number>();
  /** Per station: the changeover block used and where it stands (for family checks). */
  const coOf: { co: Raw; segs: (string | number)[]; inLine: boolean }[] = [];
  const stations: StationSpec[] = rawStations.map((s, k) => {
    const id = s['id'] as string;
    if (stationIx.has(id)) at(['stations', k, 'id'], `duplicate station ${id}`);
    stationIx.set(id, k);
    const machine = lineComp.get(id);
    const lineCo = machine?.cfg['changeover'] as Raw | undefined;
    const lineCoSegs = ['components', machine?.index ?? 0, 'changeover'];
    let co = (s['changeover'] ?? {}) as Raw;
    let coSegs: (string | number)[] = ['stations', k, 'changeover'];
    let inLine = false;
    if (lineCo !== undefined && s['changeover'] === undefined) {
      co = lineCo;
      coSegs = lineCoSegs;
      inLine = true;
      sources.push(`${id} changeover: ${lineName}`);
    } else if (lineCo !== undefined) {
      const diff = firstDifference(canonicalChangeover(co), canonicalChangeover(lineCo));
      if (diff !== undefined) at(coSegs, `differs from ${linePlace(lineCoSegs)} at ${diff}: give the changeover in one file only (the line's, or the plan's for a what-if with its own line file)`);
    }
    coOf.push({ co, segs: coSegs, inLine });
    const durAt = (v: unknown, segs: (string | number)[], fallback: number): number => {
      if (!inLine) return dur(v, segs, fallback);
      return parseDuration(v) ?? fallback; // the line schema checked its text
    };
    const matrix: Record<string, Record<string, number>> = {};
    for (const [from, row] of Object.entries((co['matrix'] ?? {}) as Record<string, Raw>)) {
      matrix[from] = {};
      for (const [to, v] of Object.entries(row)) matrix[from][to] = durAt(v, [...coSegs, 'matrix', from, to], 0);
    }
    const consumes = (co['consumes'] ?? {}) as Raw;
    const settle = Object.entries((co['settle'] ?? {}) as Record<string, number>).map(([signal, tolerance]) => ({ signal, tolerance }));
    for (const { signal } of settle) {
      if (lf === undefined) at([...coSegs, 'settle', signal], 'names a line signal: the plan needs a line file (line:)');
      else if (!inLine && !lineSignal(signal)) at([...coSegs, 'settle', signal], `names no signal of ${lineName}`);
    }
    // Power: the plan's, else the line machine's, else the defaults (the machine's too).
    const power = (key: string, fallback: number): number => (s[key] as number | undefined) ?? (machine?.cfg[key] as number | undefined) ?? fallback;
    return {
      id,
      busyPower: power('busyPower', 2),
      idlePower: power('idlePower', 0.2),
      changeoverDefault: durAt(co['default'], [...coSegs, 'default'], 0),
      changeoverMatrix: matrix,
      initialFamily: (co['initial'] as string | undefined) ?? null,
      spread: (s['spread'] as number | undefined) ?? 0,
      mtbf: dur(s['mtbf'], ['stations', k, 'mtbf'], 0),
      mttr: dur(s['mttr'], ['stations', k, 'mttr'], 1800),
      changeoverEnergy: (consumes['energy'] as number | undefined) ?? 0,
      changeoverScrap: (consumes['scrap'] as number | undefined) ?? 0,
      settle,
    };
  });

  // Products: the line's (in its order), then the plan's that the line does not name; a product
  // both name must be the same in both.
  const productIx = new Map<string, number>();
  const rawProducts: { p: Raw; segs: (string | number)[]; inLine: boolean }[] = [];
  const lineProducts = (lf?.products ?? []) as unknown as Raw[];
  lineProducts.forEach((p, k) => rawProducts.push({ p, segs: ['products', k], inLine: true }));
  const lineByName = new Map(lineProducts.map((p, k) => [p['name'] as string, k]));
  if (lineProducts.length > 0) sources.push(`products: ${lineName}`);
  ((d['products'] ?? []) as Raw[]).forEach((p, k) => {
    const lk = lineByName.get(p['name'] as string);
    if (lk === undefined) {
      rawProducts.push({ p, segs: ['products', k], inLine: false });
      return;
    }
    const diff = firstDifference(canonicalProduct(p), canonicalProduct(lineProducts[lk]!));
    if (diff !== undefined) at(['products', k], `${String(p['name'])} differs from ${linePlace(['products', lk])} at ${diff}: give the product in one file only`);
  });
  if (rawProducts.length === 0) at(['products'], lf !== undefined ? `is required: ${lineName} has no products either` : 'is required (or a line file, line:, with products)');
  const products: ProductSpec[] = rawProducts.map(({ p, segs, inLine }) => {
    const name = p['name'] as string;
    if (productIx.has(name)) at([...segs, 'name'], `duplicate product ${name}`);
    productIx.set(name, productIx.size);
    const ct = p['cycleTime'] as Record<string, number>;
    const en = (p['energy'] ?? {}) as Record<string, number>;
    // A line product may name machines the plan does not run: they are passed by.
    if (!inLine) {
      for (const [key, where] of [[ct, 'cycleTime'], [en, 'energy']] as const) {
        for (const st of Object.keys(key)) if (!stationIx.has(st)) at([...segs, where, st], `unknown station ${st}; stations: ${[...stationIx.keys()].join(', ')}`);
      }
    }
    const setpoints = (p['setpoints'] ?? {}) as Record<string, number | string>;
    if (!inLine && lf !== undefined) {
      for (const key of Object.keys(setpoints)) if (key.includes('.') && !lineSignal(key)) at([...segs, 'setpoints', key], `names no signal of ${lineName} (a setpoint with a dot names a signal, <id>.<field>)`);
    }
    return {
      name,
      family: (p['family'] as string | undefined) ?? name,
      cycleTime: stations.map((s) => ct[s.id] ?? 0),
      energy: stations.map((s) => en[s.id] ?? NaN),
      setpoints,
    };
  });
  const families = new Set(products.map((p) => p.family));
  coOf.forEach(({ co, segs, inLine }) => {
    const bad = inLine ? lineAt : at;
    for (const [from, row] of Object.entries((co['matrix'] ?? {}) as Record<string, Raw>)) {
      if (!families.has(from)) bad([...segs, 'matrix', from], `unknown family ${from}; families: ${[...families].join(', ')}`);
      for (const to of Object.keys(row)) if (!families.has(to)) bad([...segs, 'matrix', from, to], `unknown family ${to}; families: ${[...families].join(', ')}`);
    }
    if (typeof co['initial'] === 'string' && !families.has(co['initial'])) bad([...segs, 'initial'], `unknown family ${co['initial']}; families: ${[...families].join(', ')}`);
  });

  // Orders, inline or from a CSV file.
  const orders: OrderSpec[] = [];
  const orderIx = new Map<string, number>();
  const addOrder = (r: Raw, index: number, where: (field: string) => void, bad: (field: string, msg: string) => void): void => {
    const id = String(r['id']);
    if (orderIx.has(id)) bad('id', `duplicate order ${id}`);
    const product = productIx.get(String(r['product']));
    if (product === undefined) bad('product', `unknown product ${JSON.stringify(r['product'])}; products: ${[...productIx.keys()].join(', ')}`);
    void where;
    orderIx.set(id, index);
    const time = (field: string, fallback: number): number => {
      const v = r[field];
      if (v === undefined || v === '') return fallback;
      const s = parseInstant(v);
      if (s === undefined) bad(field, `must be a time from the plan start (seconds, 06:00, 2d 14:30, 36h), got ${JSON.stringify(v)}`);
      return s ?? fallback;
    };
    const o: OrderSpec = {
      id,
      product: product ?? 0,
      quantity: Number(r['quantity']),
      release: time('release', 0),
      due: time('due', 0),
      priority: Number(r['priority'] ?? 0),
      material: time('material', 0),
      index,
    };
    orders.push(o);
  };
  const rawOrders = d['orders'];
  if (typeof rawOrders === 'string') {
    const csvPath = isAbsolute(rawOrders) ? rawOrders : resolve(dir, rawOrders);
    const rows = readOrderCsv(csvPath, rawOrders);
    rows.forEach((row, k) => {
      const r: Raw = {};
      for (const [key, v] of Object.entries(row.cols)) r[key] = v.text;
      const bad = (field: string, msg: string): void => {
        issues.push({ file: rawOrders, path: '', line: row.line, message: `column ${row.cols[field]?.col ?? 1} (${field}): ${msg}` });
      };
      const q = Number(r['quantity']);
      if (!(Number.isInteger(q) && q >= 1 && q <= 1_000_000)) bad('quantity', `must be a whole number from 1 to 1000000, got ${JSON.stringify(r['quantity'])}`);
      const pr = r['priority'] === undefined || r['priority'] === '' ? 0 : Number(r['priority']);
      if (!(Number.isInteger(pr) && pr >= 0)) bad('priority', `must be a whole number >= 0, got ${JSON.stringify(r['priority'])}`);
      r['priority'] = pr;
      if (r['id'] === '') bad('id', 'is empty');
      addOrder(r, k, () => {}, bad);
    });
  } else {
    (rawOrders as Raw[]).forEach((r, k) => addOrder(r, k, () => {}, (field, msg) => at(['orders', k, field], msg)));
  }

  // Late deliveries (scenario events) replace an order's material time.
  ((d['events'] ?? []) as Raw[]).forEach((e, k) => {
    const ix = orderIx.get(e['order'] as string);
    if (ix === undefined) {
      at(['events', k, 'order'], `unknown order ${JSON.stringify(e['order'])}`);
      return;
    }
    orders[ix] = { ...orders[ix]!, material: instant(e['delivery'], ['events', k, 'delivery'], 0) };
  });

  // Sequence (rule fixed).
  let sequence: number[] | null = null;
  if (Array.isArray(d['sequence'])) {
    sequence = [];
    const seen = new Set<string>();
    (d['sequence'] as string[]).forEach((id, k) => {
      const ix = orderIx.get(id);
      if (ix === undefined) at(['sequence', k], `unknown order ${id}`);
      else if (seen.has(id)) at(['sequence', k], `order ${id} is named twice`);
      else sequence!.push(ix);
      seen.add(id);
    });
    const missing = orders.filter((o) => !seen.has(o.id)).map((o) => o.id);
    if (missing.length > 0) at(['sequence'], `must name every order once; missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''}`);
  }
  const rules = ((d['rules'] as Rule[] | undefined) ?? ['edd']).filter((r) => RULES.includes(r));
  if (rules.includes('fixed') && d['sequence'] === undefined) at(['rules'], 'rule fixed needs a sequence: the order ids in the planner\'s order');

  // Calendar.
  let calendar: CalendarSpec | null = null;
  const cal = d['calendar'] as Raw | undefined;
  if (cal !== undefined) {
    const windows = (key: string, daily: boolean): Window[] =>
      ((cal[key] ?? []) as Raw[]).map((w, k) => {
        const p = ['calendar', key, k];
        const start = instant(w['start'], [...p, 'start'], 0);
        const end = w['end'] !== undefined ? instant(w['end'], [...p, 'end'], start) : start + dur(w['length'], [...p, 'length'], 0);
        if (w['end'] === undefined && w['length'] === undefined) at(p, 'needs an end or a length');
        // A daily window ending at or before its start runs past midnight (a night shift).
        const e = daily && end <= start && w['end'] !== undefined ? end + 86400 : end;
        if (!(e > start)) at(p, 'ends before it starts');
        return { start, end: e };
      });
    calendar = { days: (cal['days'] as number | undefined) ?? 5, shifts: windows('shifts', true), breaks: windows('breaks', true), stops: windows('stops', false) };
  }

  // The line file: every plan station must be one of its KPI stations.
  if (lf !== undefined) {
    const known = lf.components.filter((c) => STATION_TYPES.includes(c.type)).map((c) => c.id);
    rawStations.forEach((s, k) => {
      if (!known.includes(s['id'] as string)) at(['stations', k, 'id'], `${String(s['id'])} is not a station (${STATION_TYPES.join(' or ')}) of ${String(d['line'])}; its stations: ${known.join(', ')}`);
    });
  }

  if (issues.length > 0) throw new ConfigError('CFG_INVALID', issues);
  return {
    name: d['name'] as string,
    file: src.file,
    ...(line !== undefined ? { line } : {}),
    ...(sources.length > 0 ? { sources } : {}),
    seed: (d['seed'] as number | undefined) ?? 1,
    seeds: (d['seeds'] as number | undefined) ?? 1,
    rules,
    sequence,
    operators: (d['operators'] as number | undefined) ?? null,
    stations,
    products,
    orders,
    calendar,
  };
}

/** A changeover block as compared between plan and line: durations in seconds, defaults filled. */
function canonicalChangeover(co: Raw): unknown {
  const matrix: Record<string, Record<string, number | undefined>> = {};
  for (const [from, row] of Object.entries((co['matrix'] ?? {}) as Record<string, Raw>)) {
    matrix[from] = {};
    for (const [to, v] of Object.entries(row)) matrix[from][to] = parseDuration(v);
  }
  const consumes = (co['consumes'] ?? {}) as Raw;
  return { default: parseDuration(co['default'] ?? 0), matrix, initial: co['initial'] ?? null, consumes: { energy: consumes['energy'] ?? 0, scrap: consumes['scrap'] ?? 0 }, settle: co['settle'] ?? {} };
}

/** A product as compared between plan and line, defaults filled. */
function canonicalProduct(p: Raw): unknown {
  return { family: p['family'] ?? p['name'], cycleTime: p['cycleTime'] ?? {}, energy: p['energy'] ?? {}, setpoints: p['setpoints'] ?? {} };
}

/** The first key path where two plain values differ (`matrix.gears.shafts: 2700 here, 2400 there`), or undefined. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Raw)[k], (b as Raw)[k], path ? `${path}.${k}` : k);
      if (d !== undefined) return d;
    }
    return undefined;
  }
  if (a === b) return undefined;
  const show = (v: unknown): string => (v === undefined ? 'absent' : JSON.stringify(v));
  return `${path}: ${show(a)} here, ${show(b)} there`;
}
