// The WebSocket wire format between hmi/server and hmi/web, shared by both sides.
// Frames are msgpack maps with a `t` tag. Typed arrays travel as msgpack `bin` holding the
// array's little-endian bytes (never as arrays of numbers): decoding a 10k-signal map of
// names costs milliseconds, binary arrays a few microseconds.

import type { LayoutEntry, RunStatus } from '../core/engine/run-control.ts';
import type { SignalKind, SignalType } from '../core/signals.ts';

export const PROTOCOL_VERSION = 1;

export interface CatalogEntry {
  id: number;
  name: string;
  type: SignalType;
  kind: SignalKind;
  unit: string;
}

/** First frame on every connection. */
export interface CatalogFrame {
  t: 'catalog';
  v: number;
  line: string;
  signals: CatalogEntry[];
  layout: LayoutEntry[];
  status: RunStatus;
}

/**
 * Values. `key: true` carries every signal (sent on connect and every few seconds);
 * otherwise only ids whose value changed since the previous frame.
 * ids: Uint32Array bytes, values: Float64Array bytes, quality: Uint8Array (same order as ids).
 */
export interface ValuesFrame {
  t: 'values';
  key: boolean;
  tick: number;
  time: number;
  ids: Uint8Array;
  values: Uint8Array;
  quality: Uint8Array;
}

/** Run state, sent when it changes and once a second. */
export interface StatusFrame {
  t: 'status';
  status: RunStatus;
}

export interface ErrorFrame {
  t: 'error';
  code: string;
  message: string;
}

export type ServerFrame = CatalogFrame | ValuesFrame | StatusFrame | ErrorFrame;

/** Client -> server. Everything else is answered with an ErrorFrame. */
export type ClientMessage = { t: 'ping'; id: number } | { t: 'subscribe'; ids: number[] | 'all' };
