// History from a historian's CSV export, long (`time,tag,value[,quality]`, one row per sample)
// or wide (a time column, then one column per tag, optional `q:<tag>` / `<tag>.quality`
// columns). Times are ISO 8601 or numbers: epoch milliseconds (>= 1e11), epoch seconds (>= 1e8)
// or seconds from the start; the first row decides and every row must agree. Every problem is
// reported with file, line and column (HIST_FORMAT). RFC 4180 quoting.

import { readFileSync } from 'node:fs';
import { TwinloopError } from '../errors.ts';
import { Quality } from '../signals.ts';
import type { History, HistoryReadOptions, TagSeries, TimeFormat } from './history.ts';
import { SeriesBuilder } from './series-builder.ts';
import { tagMapOf, type TagMap } from './tag-map.ts';

interface Field {
  readonly text: string;
  /** 1-based column (character) where the field starts. */
  readonly col: number;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

function fail(file: string, line: number, col: number, message: string): never {
  throw new TwinloopError('HIST_FORMAT', `${file}:${line}:${col}: ${message}`);
}

/** Split one CSV record (already a whole logical line) into fields with their columns. */
function splitRecord(file: string, lineNo: number, text: string): Field[] {
  const out: Field[] = [];
  let k = 0;
  for (;;) {
    const col = k + 1;
    if (text[k] === '"') {
      let s = '';
      k++;
      for (;;) {
        if (k >= text.length) fail(file, lineNo, col, 'quoted field is not closed (a " is missing)');
        if (text[k] === '"') {
          if (text[k + 1] === '"') {
            s += '"';
            k += 2;
            continue;
          }
          k++;
          break;
        }
        s += text[k++];
      }
      if (k < text.length && text[k] !== ',') fail(file, lineNo, k + 1, `expected , or the end of the line after a quoted field, got ${JSON.stringify(text[k])}`);
      out.push({ text: s, col });
    } else {
      const end = text.indexOf(',', k);
      const stop = end < 0 ? text.length : end;
      out.push({ text: text.slice(k, stop).trim(), col });
      k = stop;
    }
    if (k >= text.length) return out;
    k++; // the comma
    if (k === text.length) {
      out.push({ text: '', col: k + 1 });
      return out;
    }
  }
}

/** Logical records (a quoted field may hold a newline), 1-based line numbers of their starts. */
function* records(text: string): Generator<{ line: number; text: string }> {
  let line = 1;
  let start = 0;
  let startLine = 1;
  let quoted = false;
  for (let k = 0; k <= text.length; k++) {
    const c = text.charCodeAt(k);
    if (c === 34) quoted = !quoted;
    else if ((c === 10 && !quoted) || k === text.length) {
      let rec = text.slice(start, k);
      if (rec.endsWith('\r')) rec = rec.slice(0, -1);
      if (rec.trim() !== '') yield { line: startLine, text: rec };
      start = k + 1;
      line++;
      startLine = line;
    } else if (c === 10) line++;
  }
}

/** Parses every time of the file in the format its first data row shows. */
class TimeReader {
  format: TimeFormat | undefined;
  readonly #file: string;
  noZone = false;
  /** Wall time of the first row, ms (epoch and ISO forms): times are returned relative to it, so an epoch's 1e9 s do not eat the fraction's digits. */
  baseMs = NaN;
  constructor(file: string) {
    this.#file = file;
  }

  /** Seconds (epoch or relative). */
  read(f: Field, line: number): number {
    const s = f.text;
    if (this.format === undefined) {
      const n = Number(s);
      if (s !== '' && Number.isFinite(n)) this.format = n >= 1e11 ? 'epoch-ms' : n >= 1e8 ? 'epoch-s' : 'seconds';
      else if (ISO.test(s)) this.format = 'iso8601';
      else fail(this.#file, line, f.col, `expected a time (ISO 8601 like 2026-12-07T04:00:00Z, or epoch seconds or milliseconds), got ${JSON.stringify(s.slice(0, 40))}`);
    }
    if (this.format === 'iso8601') {
      const m = ISO.exec(s);
      if (!m) fail(this.#file, line, f.col, `expected an ISO 8601 time like the first row's (2026-12-07T04:00:00Z), got ${JSON.stringify(s.slice(0, 40))}`);
      const [, y, mo, d, h, mi, sec, frac, zone] = m;
      if (zone === undefined) this.noZone = true;
      let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec ?? 0));
      if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 60) fail(this.#file, line, f.col, `not a valid date and time: ${JSON.stringify(s)}`);
      if (zone !== undefined && zone !== 'Z') {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60_000;
      }
      const fracMs = frac ? Number(`0.${frac}`) * 1000 : 0;
      if (Number.isNaN(this.baseMs)) this.baseMs = ms + fracMs;
      return (ms - this.baseMs + fracMs) / 1000;
    }
    const n = Number(s);
    if (s === '' || !Number.isFinite(n)) fail(this.#file, line, f.col, `expected a number (${this.format === 'seconds' ? 'seconds' : `epoch ${this.format === 'epoch-ms' ? 'milliseconds' : 'seconds'}`}, as the first row), got ${JSON.stringify(s.slice(0, 40))}`);
    if (this.format === 'seconds') return n;
    const ms = this.format === 'epoch-ms' ? n : n * 1000;
    if (Number.isNaN(this.baseMs)) this.baseMs = ms;
    return (ms - this.baseMs) / 1000;
  }
}

/** A value: a number, or true/false/on/off. */
function readValue(file: string, line: number, f: Field): number {
  const s = f.text;
  const n = Number(s);
  if (s !== '' && Number.isFinite(n)) return n;
  const low = s.toLowerCase();
  if (low === 'true' || low === 'on') return 1;
  if (low === 'false' || low === 'off') return 0;
  return fail(file, line, f.col, `expected a number (or true/false/on/off), got ${JSON.stringify(s.slice(0, 40))}`);
}

/**
 * A quality: good/uncertain/bad (any case), twinloop's 0/1/2, or an OPC DA quality byte
 * (192..255 good, 64..191 uncertain, 3..63 bad). Empty = good.
 */
export function readQuality(file: string, line: number, f: Field): number {
  const s = f.text.toLowerCase();
  if (s === '' || s === 'good' || s === 'g') return Quality.GOOD;
  if (s === 'uncertain' || s === 'u') return Quality.UNCERTAIN;
  if (s === 'bad' || s === 'b') return Quality.BAD;
  const n = Number(s);
  if (Number.isInteger(n) && n >= 0 && n <= 255) return n === 0 ? Quality.GOOD : n === 1 ? Quality.UNCERTAIN : n === 2 ? Quality.BAD : n >= 192 ? Quality.GOOD : n >= 64 ? Quality.UNCERTAIN : Quality.BAD;
  return fail(file, line, f.col, `expected a quality (good, uncertain, bad; 0, 1, 2; or an OPC DA quality byte 0..255), got ${JSON.stringify(f.text.slice(0, 40))}`);
}

const LONG_TIME = ['time', 'timestamp', 't', 'ts', 'datetime'];
const LONG_TAG = ['tag', 'tagname', 'name', 'signal', 'point'];
const LONG_VALUE = ['value', 'val', 'v'];
const LONG_QUALITY = ['quality', 'q', 'status'];

/** Read a historian CSV export. @throws TwinloopError HIST_FORMAT (file:line:col), CFG_READ when unreadable */
export function readCsvHistory(file: string, opts: HistoryReadOptions = {}): History {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TwinloopError('CFG_READ', `${file}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return parseCsvHistory(file, text, opts);
}

/** Parse CSV text (`file` names it in messages). */
export function parseCsvHistory(file: string, text: string, opts: HistoryReadOptions = {}): History {
  const map = opts.tagMap ?? tagMapOf(undefined, undefined);
  const recs = records(text);
  const first = recs.next();
  if (first.done) throw new TwinloopError('HIST_FORMAT', `${file}:1:1: the file is empty (expected a header line: time,tag,value[,quality] or time,<tag>,<tag>...)`);
  const header = splitRecord(file, first.value.line, first.value.text);
  const names = header.map((h) => h.text.toLowerCase());
  const time = new TimeReader(file);
  const builders = new Map<string, SeriesBuilder>();
  const unmapped = new Set<string>();
  const notes: string[] = [];
  let t0 = Infinity;
  let tEnd = -Infinity;
  const builderFor = (tag: string): SeriesBuilder | undefined => {
    let b = builders.get(tag);
    if (b !== undefined) return b;
    const target = map.resolve(tag);
    if (target === undefined) {
      unmapped.add(tag);
      return undefined;
    }
    b = new SeriesBuilder(target, tag);
    builders.set(tag, b);
    return b;
  };
  const long = header.length >= 3 && header.length <= 4 && LONG_TIME.includes(names[0]!) && LONG_TAG.includes(names[1]!) && LONG_VALUE.includes(names[2]!) && (header.length === 3 || LONG_QUALITY.includes(names[3]!));
  if (long) {
    for (const r of recs) {
      const f = splitRecord(file, r.line, r.text);
      if (f.length !== header.length) fail(file, r.line, f[Math.min(f.length, header.length) - 1]!.col, `expected ${header.length} fields (${header.map((h) => h.text).join(',')}), got ${f.length}`);
      const t = time.read(f[0]!, r.line);
      if (f[1]!.text === '') fail(file, r.line, f[1]!.col, 'the tag name is empty');
      const b = builderFor(f[1]!.text);
      if (b === undefined) continue;
      const q = header.length === 4 ? readQuality(file, r.line, f[3]!) : Quality.GOOD;
      // A bad sample may carry no value: kept as bad, NaN.
      const v = f[2]!.text === '' && q === Quality.BAD ? NaN : readValue(file, r.line, f[2]!);
      b.push(t, v * b.target.gain + b.target.offset, q);
      if (t < t0) t0 = t;
      if (t > tEnd) tEnd = t;
    }
  } else {
    if (header.length < 2) fail(file, first.value.line, 1, 'expected a header time,tag,value[,quality] (long form) or time,<tag>,<tag>... (wide form)');
    // twinloop's own export: t,time,tick,<signals>: the recording time is the time column.
    const skip = new Set<number>();
    if (names[0] === 't' && names[1] === 'time' && names[2] === 'tick') skip.add(1).add(2);
    const valueCols: { col: number; b: SeriesBuilder; q: number }[] = [];
    const qualityOf = new Map<string, number>();
    header.forEach((h, i) => {
      const m = /^q:(.+)$/.exec(h.text) ?? /^(.+)[.:]quality$/i.exec(h.text);
      if (i > 0 && m) qualityOf.set(m[1]!, i);
    });
    const seen = new Set<string>();
    header.forEach((h, i) => {
      if (i === 0 || skip.has(i) || /^q:/.test(h.text) || /[.:]quality$/i.test(h.text)) return;
      if (h.text === '') fail(file, first.value.line, h.col, `column ${i + 1} has no tag name`);
      if (seen.has(h.text)) fail(file, first.value.line, h.col, `tag ${JSON.stringify(h.text)} has two columns`);
      seen.add(h.text);
      const b = builderFor(h.text);
      if (b !== undefined) valueCols.push({ col: i, b, q: qualityOf.get(h.text) ?? -1 });
    });
    for (const r of recs) {
      const f = splitRecord(file, r.line, r.text);
      if (f.length !== header.length) fail(file, r.line, f[Math.min(f.length, header.length) - 1]!.col, `expected ${header.length} fields as the header has, got ${f.length}`);
      const t = time.read(f[0]!, r.line);
      if (t < t0) t0 = t;
      if (t > tEnd) tEnd = t;
      for (const c of valueCols) {
        const cell = f[c.col]!;
        const q = c.q >= 0 ? readQuality(file, r.line, f[c.q]!) : Quality.GOOD;
        // An empty cell: no sample of that tag in this row (historians fill rows sparsely).
        if (cell.text === '') {
          if (q === Quality.BAD) c.b.push(t, NaN, q);
          continue;
        }
        c.b.push(t, readValue(file, r.line, cell) * c.b.target.gain + c.b.target.offset, q);
      }
    }
  }
  if (time.format === undefined) throw new TwinloopError('HIST_FORMAT', `${file}:${first.value.line + 1}:1: no data rows after the header`);
  notes.push(`${long ? 'long' : 'wide'} CSV; times read as ${TIME_WORDS[time.format]}${time.noZone ? ' (no time zone given: read as UTC)' : ''}`);
  const series = new Map<string, TagSeries>();
  for (const b of builders.values()) {
    if (series.has(b.target.signal)) throw new TwinloopError('HIST_FORMAT', `${file}: tags ${JSON.stringify(series.get(b.target.signal)!.tag)} and ${JSON.stringify(b.tag)} both map to signal ${b.target.signal}`);
    series.set(b.target.signal, b.finish(t0));
  }
  const wall = time.format === 'seconds' ? NaN : time.baseMs + t0 * 1000;
  return { source: file, format: long ? 'csv-long' : 'csv-wide', timeFormat: time.format, startWall: wall, span: tEnd - t0, series, unmapped: [...unmapped], notes };
}

const TIME_WORDS: Record<TimeFormat, string> = {
  recording: 'recording seconds',
  iso8601: 'ISO 8601 date-times',
  'epoch-s': 'epoch seconds (values >= 1e8)',
  'epoch-ms': 'epoch milliseconds (values >= 1e11)',
  seconds: 'seconds from the start (values below 1e8)',
};

/** Re-export for callers that build a map themselves. */
export type { TagMap };
