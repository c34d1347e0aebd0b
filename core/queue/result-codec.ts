// A run's result on its way back from a worker: its paths (which name the worker's copy of the
// files) put back as the submitter wrote them, then the whole result as V8's structured-clone
// bytes in base64. Structured clone is what the piscina pool uses between threads, so NaN, -0,
// typed arrays (the gzip'd trace, snapshots, trend windows) arrive bit for bit.

import { deserialize, serialize } from 'node:v8';
import type { ScenarioResult } from '../scenario/runner.ts';
import type { JobResult } from './queue-pool-worker.ts';

/** Replacements applied in order to every string of a result (not to its byte arrays). */
export type PathMap = readonly (readonly [from: string, to: string])[];

function remap(value: unknown, map: PathMap): unknown {
  if (typeof value === 'string') {
    let s = value;
    for (const [from, to] of map) if (from !== to && s.includes(from)) s = s.split(from).join(to);
    return s;
  }
  if (Array.isArray(value)) return value.map((v) => remap(v, map));
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [remap(k, map), remap(v, map)]));
  // Plain objects only: byte arrays (trace, snapshots) and anything else structured clone
  // carries (Date, Set of numbers ...) pass as they are.
  const proto = value !== null && typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as object)) out[k] = remap(v, map);
    return out;
  }
  return value;
}

export function remapResult<R extends JobResult>(r: R, map: PathMap): R {
  return remap(r, map) as R;
}

export function encodeResult(r: JobResult): string {
  return serialize(r).toString('base64');
}

/** @typeParam R what the job ran gives back (a sweep point's or scenario's result by default) */
export function decodeResult<R extends JobResult = ScenarioResult>(text: string): R {
  return deserialize(Buffer.from(text, 'base64')) as R;
}
