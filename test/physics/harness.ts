// Test harness for the physics model: builds a Model over a plain value array (no shared
// table, no worker) and gives tests name-based access to signals. Not a test file itself.

import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { parse } from 'yaml';
import { Model, lineSignals } from '../../physics/model.ts';
import type { LineFile } from '../../physics/model.ts';

/** A model with its value array and a name -> id lookup. */
export interface Rig {
  model: Model;
  values: Float64Array;
  id(name: string): number;
  get(name: string): number;
  set(name: string, v: number): void;
  /** Whether the line has this signal. */
  has(name: string): boolean;
  /** Step n times. */
  run(n: number): void;
}

/** Build a model of `line` over its own value array. */
export function rig(line: LineFile): Rig {
  const defs = lineSignals(line);
  const ids = new Map(defs.map((d, i) => [d.name, i]));
  const id = (name: string): number => {
    const i = ids.get(name);
    if (i === undefined) throw new Error(`no signal ${name}`);
    return i;
  };
  const values = new Float64Array(defs.length);
  const model = new Model(line, id, values);
  return {
    model,
    values,
    id,
    get: (name) => values[id(name)]!,
    set: (name, v) => {
      values[id(name)] = v;
    },
    has: (name) => ids.has(name),
    run: (n) => {
      for (let i = 0; i < n; i++) model.step();
    },
  };
}

/** The demo line, parsed from examples/sorting.yaml. */
export function sortingLine(): LineFile {
  return parse(readFileSync(new URL('../../examples/sorting.yaml', import.meta.url), 'utf8')) as LineFile;
}

/** Assert `actual` is within relative error `rel` of `expected` (absolute near 0), naming `what`. */
export function close(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-300);
  assert.ok(err <= rel, `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)} > ${rel})`);
}

/** Run the furnace example open-loop: heater at 80 %, belts at 50 Hz, compressor, cooling pump at 80 %, blow-down at 50 %. */
export function driveFurnaceLine(r: Rig): void {
  r.set('fz1.power', 80);
  for (const m of ['mIn', 'mHearth', 'mOut']) {
    r.set(`${m}.run`, 1);
    r.set(`${m}.setpoint`, 50);
  }
  r.set('air.enable', 1);
  r.set('pCool.run', 1);
  r.set('pCool.setpoint', 80);
  r.set('vBlow.command', 50);
}

/** Step until `cond` holds (checked after each step); returns the tick, or throws after `max` steps. */
export function runUntil(r: Rig, cond: () => boolean, max: number): number {
  for (let i = 0; i < max; i++) {
    r.model.step();
    if (cond()) return r.model.tick;
  }
  throw new Error(`condition not reached within ${max} steps (tick ${r.model.tick})`);
}

/** FNV-1a over the bytes of a value array, folded into a running hash. */
export function hashValues(values: Float64Array, h = 0x811c9dc5): number {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
