// Decoding and validation of what HMI browsers send over the WebSocket. A pure function of the
// received bytes: anything that is not a well-formed ClientMessage becomes a TwinloopError with
// code WS_BAD_MESSAGE and a reason, so the route answers with an ErrorFrame and carries on.
// Tested with hand-written bytes and no socket (the ws receiver's way).

import { Decoder } from '@msgpack/msgpack';
import { TwinloopError } from '../../core/errors.ts';
import type { ClientMessage } from '../protocol.ts';

/** Largest id list a `subscribe` may carry; the frame itself is already capped by maxPayload. */
export const MAX_SUBSCRIBE_IDS = 1000;

// Limits well under maxPayload so a hostile frame cannot make the decoder build big objects.
const decoder = new Decoder({
  maxStrLength: 64,
  maxBinLength: 0,
  maxArrayLength: MAX_SUBSCRIBE_IDS,
  maxMapLength: 8,
  maxExtLength: 0,
});

/**
 * Decode one binary WebSocket message into a ClientMessage.
 *
 * @param bytes the message payload (binary frame)
 * @param signalCount ids in `subscribe` must be below this
 * @throws TwinloopError WS_BAD_MESSAGE when the bytes are not msgpack, are truncated, or do not
 *   have the shape of a known message
 * @example
 * const msg = decodeClientMessage(encode({ t: 'ping', id: 7 }), table.size); // { t: 'ping', id: 7 }
 */
export function decodeClientMessage(bytes: Uint8Array, signalCount: number): ClientMessage {
  let raw: unknown;
  try {
    raw = decoder.decode(bytes);
  } catch (err) {
    throw new TwinloopError('WS_BAD_MESSAGE', `not a msgpack message: ${(err as Error).message}`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || raw instanceof Uint8Array) {
    throw new TwinloopError('WS_BAD_MESSAGE', 'a message must be a msgpack map with a string field t');
  }
  const msg = raw as Record<string, unknown>;
  const t = msg['t'];
  if (t === 'ping') {
    const id = msg['id'];
    allowKeys(msg, ['t', 'id']);
    if (!Number.isInteger(id) || (id as number) < 0 || (id as number) > 0xffffffff) {
      throw new TwinloopError('WS_BAD_MESSAGE', 'ping.id must be an integer 0..2^32-1');
    }
    return { t: 'ping', id: id as number };
  }
  if (t === 'subscribe') {
    const ids = msg['ids'];
    allowKeys(msg, ['t', 'ids']);
    if (ids === 'all') return { t: 'subscribe', ids: 'all' };
    if (!Array.isArray(ids)) throw new TwinloopError('WS_BAD_MESSAGE', "subscribe.ids must be 'all' or an array of signal ids");
    for (const id of ids) {
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= signalCount) {
        throw new TwinloopError('WS_BAD_MESSAGE', `subscribe.ids must hold integers 0..${signalCount - 1}`);
      }
    }
    return { t: 'subscribe', ids: ids as number[] };
  }
  if (typeof t !== 'string') throw new TwinloopError('WS_BAD_MESSAGE', 'a message must have a string field t');
  throw new TwinloopError('WS_BAD_MESSAGE', `unknown message type ${JSON.stringify(t.slice(0, 32))}`);
}

function allowKeys(msg: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(msg)) {
    if (!keys.includes(k)) throw new TwinloopError('WS_BAD_MESSAGE', `unexpected field ${JSON.stringify(k.slice(0, 32))} in ${String(msg['t'])}`);
  }
}
