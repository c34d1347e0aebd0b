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
  /**
   * Wall time the server encoded this frame, ms since the Unix epoch with sub-ms precision
   * (`performance.timeOrigin + performance.now()`), for latency measurement on the same host.
   */
  pub?: number;
  /** Publisher cycle whose state this frame carries; a keyframe repeats the seq of its cycle. */
  seq?: number;
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

/** Answer to a client `ping` message (application-level round trip, not the ws heartbeat). */
export interface PongFrame {
  t: 'pong';
  id: number;
  /** Server wall time, same clock as {@link ValuesFrame.pub}. */
  time: number;
}

export type ServerFrame = CatalogFrame | ValuesFrame | StatusFrame | ErrorFrame | PongFrame;

/** Client -> server. Everything else is answered with an ErrorFrame. */
export type ClientMessage = { t: 'ping'; id: number } | { t: 'subscribe'; ids: number[] | 'all' };

/** Close code for a client that sent a frame over the server's maxPayload (RFC 6455 1009). */
export const CLOSE_TOO_BIG = 1009;
/** Close code for a client refused over the connection cap (RFC 6455 1013 "try again later"). */
export const CLOSE_TRY_LATER = 1013;
/** Close code for a client that kept breaking the message rate limit (RFC 6455 1008). */
export const CLOSE_POLICY = 1008;
