// CSV export of a time range and a subset of signals: one row per recorded frame with
// from <= t <= to, columns `t,time,tick,<signal>...` (and `q:<signal>` quality columns when
// asked). Numbers are written exactly: the shortest text that reads back to the same float64,
// `-0`, `NaN`, `Infinity`. Produced as chunks of rows so a large range streams.

import { TwinloopError } from '../errors.ts';
import type { Recording } from './reader.ts';

export interface CsvOptions {
  /** Recording time range, s; default the whole recording. */
  readonly from?: number;
  readonly to?: number;
  /** Signal names, in column order; default every signal. */
  readonly signals?: readonly string[];
  /** Add a `q:<name>` column (0 good, 1 uncertain, 2 bad) after the values. */
  readonly quality?: boolean;
}

const ROWS_PER_CHUNK = 200;

/** A float64 as text that parses back to the same bits (except NaN payloads). */
export function csvNumber(v: number): string {
  return Object.is(v, -0) ? '-0' : String(v);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * The CSV text of a range, in chunks (the first is the header line).
 * @throws TwinloopError REC_QUERY for an unknown signal or a bad range (before the first chunk)
 * @example
 * for (const chunk of exportCsv(rec, { from: 10, to: 20, signals: ['m1.speed'] })) process.stdout.write(chunk);
 */
export function exportCsv(rec: Recording, opts: CsvOptions = {}): Generator<string> {
  const ids = (opts.signals ?? rec.signals.map((s) => s.name)).map((n) => rec.signalId(n));
  const from = opts.from ?? -Infinity;
  const to = opts.to ?? Infinity;
  if (Number.isNaN(from) || Number.isNaN(to) || from > to) throw new TwinloopError('REC_QUERY', `csv export needs from <= to, got ${from}..${to}`);
  return rows(rec, ids, from, to, opts.quality === true);
}

function* rows(rec: Recording, ids: readonly number[], from: number, to: number, quality: boolean): Generator<string> {
  const names = ids.map((id) => rec.signals[id]!.name);
  let header = ['t', 'time', 'tick', ...names];
  if (quality) header = header.concat(names.map((n) => `q:${n}`));
  yield `${header.map(csvField).join(',')}\n`;
  let chunk = '';
  let count = 0;
  for (const f of rec.frames(from === -Infinity ? rec.from : from, to)) {
    let line = `${csvNumber(f.t)},${csvNumber(f.time)},${f.tick}`;
    for (const id of ids) line += `,${csvNumber(f.values[id]!)}`;
    if (quality) for (const id of ids) line += `,${f.quality[id]!}`;
    chunk += `${line}\n`;
    if (++count === ROWS_PER_CHUNK) {
      yield chunk;
      chunk = '';
      count = 0;
    }
  }
  if (chunk !== '') yield chunk;
}
