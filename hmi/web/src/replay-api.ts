// The page's side of the recordings API: list, open (catalog + layout), the frame at a time
// (msgpack ValuesFrame, decoded like a live frame, so the signal store takes it unchanged), and
// series for the trend. The server checks the role; these calls only carry the session cookie.

import type { LayoutEntry } from '../../../core/engine/run-control.ts';
import type { CatalogEntry, ValuesFrame } from '../../protocol.ts';
import { decodeFrame } from './frame-decoder.ts';

/** GET /api/recordings rows (mirrors core/recording RecordingSummary). */
export interface RecordingRow {
  id: string;
  line: string;
  from: number;
  to: number;
  wallStart: number;
  wallEnd: number;
  bytes: number;
  segments: number;
  frames: number;
  signals: number;
  truncated: { reason: string } | null;
}

export interface RecordingDetail extends RecordingRow {
  signalList: CatalogEntry[];
  layout: LayoutEntry[];
  dt: number | null;
  rateHz: number | null;
}

export interface Series {
  t: number[];
  series: { name: string; values: (number | null)[] }[];
}

async function json<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin' });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string };
  if (!res.ok) throw new Error(body.message ?? `${res.status} ${res.statusText}`);
  return body;
}

const base = (id: string): string => `/api/recordings/${encodeURIComponent(id)}`;

export const listRecordings = async (): Promise<RecordingRow[]> => (await json<{ recordings: RecordingRow[] }>('/api/recordings')).recordings;

export const openRecording = (id: string): Promise<RecordingDetail> => json<RecordingDetail>(base(id));

/** The frame in force at recording time t, as a keyframe of every signal. */
export async function frameAt(id: string, t: number): Promise<ValuesFrame> {
  const res = await fetch(`${base(id)}/frame?t=${encodeURIComponent(t.toFixed(6))}&format=msgpack`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`frame: ${res.status}`);
  const frame = decodeFrame(new Uint8Array(await res.arrayBuffer()));
  if (frame.t !== 'values') throw new Error('frame: not a values frame');
  return frame;
}

export function series(id: string, names: readonly string[], from: number, to: number, max: number): Promise<Series> {
  const q = new URLSearchParams({ signals: names.join(','), from: from.toFixed(6), to: to.toFixed(6), max: String(max) });
  return json<Series>(`${base(id)}/series?${q.toString()}`);
}

/** Download URL of a range as CSV (every signal but item slots unless `names` is given). */
export function csvUrl(id: string, from: number, to: number, names?: readonly string[]): string {
  const q = new URLSearchParams({ from: from.toFixed(6), to: to.toFixed(6) });
  if (names !== undefined) q.set('signals', names.join(','));
  return `${base(id)}/csv?${q.toString()}`;
}
