// How numbers look on the page: fixed decimals per unit so digits do not jump, sim time as
// h:mm:ss.s, pace as "1x"/"fast". One place, so the banner, panel and trend agree.

import type { Pace } from '../../../core/engine/run-control.ts';

// Decimals by unit; what is not listed gets 2 (ints and bools get 0 via formatValue's type).
const DECIMALS: Readonly<Record<string, number>> = { Hz: 1, A: 2, '°C': 1, kW: 2, kWh: 3, Wh: 1, W: 0, m: 3, 'm/s': 2, mm: 0, '': 2 };

/** A value with the precision its unit deserves; '—' for missing/NaN. */
export function formatValue(v: number, unit: string, type: string): string {
  if (!Number.isFinite(v)) return '—';
  if (type === 'bool') return v ? '1' : '0';
  if (type === 'int') return String(Math.trunc(v));
  return v.toFixed(DECIMALS[unit] ?? 2);
}

/** Simulated seconds as h:mm:ss.s (or m:ss.s under an hour). */
export function formatSimTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const neg = seconds < 0 ? '-' : '';
  // Round to the tenth first, then split: 59.96 s is 1:00.0, not 0:60.0.
  const tenths = Math.round(Math.abs(seconds) * 10);
  const h = Math.floor(tenths / 36_000);
  const m = Math.floor((tenths % 36_000) / 600);
  const ss = ((tenths % 600) / 10).toFixed(1).padStart(4, '0');
  return h > 0 ? `${neg}${h}:${String(m).padStart(2, '0')}:${ss}` : `${neg}${m}:${ss}`;
}

export function formatPace(p: Pace): string {
  return p.kind === 'fast' ? 'fast' : `${p.factor}x`;
}

/** Microseconds, switching to ms above 10 ms so the banner stays short. */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '—';
  return us >= 10_000 ? `${(us / 1000).toFixed(1)} ms` : `${Math.round(us)} µs`;
}

/** A wall time as ISO 8601 date and 24-hour local time, to the second: 2026-12-07 14:03:09. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** "1 file", "3 files": a count with its noun, singular for one. */
export function countOf(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
