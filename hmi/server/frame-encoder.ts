// Turns snapshots of the signal table into msgpack ValuesFrames: diffs against the values last
// sent, then encodes the changed ids/values/quality as msgpack `bin` over preallocated typed
// arrays. One encoder serves all clients: a frame is encoded once and the same bytes fanned out.
// Nothing here allocates per signal; the only per-frame allocation is the encoded byte buffer
// itself (it must outlive the call, since ws queues it per socket).

import { Encoder } from '@msgpack/msgpack';
import type { ValuesFrame } from '../protocol.ts';

/** Wall clock shared by server frames and same-host clients, ms since epoch, sub-ms precision. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Delta/keyframe encoder for a table of `size` signals.
 *
 * @example
 * const enc = new FrameEncoder(table.size);
 * table.snapshot(enc.current, info);
 * const n = enc.diff(table.quality);
 * if (n > 0) broadcast(enc.encodeDelta(n, info.tick, info.time));
 */
export class FrameEncoder {
  readonly size: number;
  /** Snapshot target: fill with `table.snapshot(enc.current, info)` before {@link diff}. */
  readonly current: Float64Array;
  /** Values as last sent to clients (the base every delta is relative to). */
  readonly #sent: Float64Array;
  readonly #sentQuality: Uint8Array;
  // reuse: delta scratch, filled by diff() and viewed as bytes by encodeDelta().
  readonly #ids: Uint32Array;
  readonly #values: Float64Array;
  readonly #quality: Uint8Array;
  // reuse: 0..size-1 once, so a keyframe needs no id scratch.
  readonly #allIds: Uint32Array;
  readonly #encoder: Encoder;
  // reuse: one frame object whose fields are overwritten for every encode.
  readonly #frame: ValuesFrame;
  #seq = 0;

  constructor(size: number) {
    this.size = size;
    this.current = new Float64Array(size);
    this.#sent = new Float64Array(size);
    this.#sentQuality = new Uint8Array(size);
    this.#ids = new Uint32Array(size);
    this.#values = new Float64Array(size);
    this.#quality = new Uint8Array(size);
    this.#allIds = new Uint32Array(size);
    for (let i = 0; i < size; i++) this.#allIds[i] = i;
    // A keyframe is ~13 bytes per signal plus a small header; sizing the buffer up front
    // keeps the encoder from growing (and copying) during the first frames.
    this.#encoder = new Encoder({ initialBufferSize: size * 13 + 256, ignoreUndefined: true });
    this.#frame = {
      t: 'values',
      key: false,
      tick: 0,
      time: 0,
      ids: new Uint8Array(0),
      values: new Uint8Array(0),
      quality: new Uint8Array(0),
      pub: 0,
      seq: 0,
    };
  }

  /** Publish cycles so far (one per {@link diff}); sent as `seq` by every frame of that cycle. */
  get seq(): number {
    return this.#seq;
  }

  /**
   * Compare {@link current} (and `quality`) with what was last sent; write the changed
   * entries into the delta scratch and adopt them as sent. Returns how many changed.
   */
  diff(quality: Uint8Array): number {
    const cur = this.current;
    const sent = this.#sent;
    const sentQ = this.#sentQuality;
    const ids = this.#ids;
    const vals = this.#values;
    const qs = this.#quality;
    const n = this.size;
    let count = 0;
    this.#seq++;
    for (let i = 0; i < n; i++) {
      const v = cur[i]!;
      const q = quality[i]!;
      // `v !== v` guards NaN, which would otherwise count as changed on every frame.
      if ((v !== sent[i]! && !(v !== v && sent[i]! !== sent[i]!)) || q !== sentQ[i]!) {
        sent[i] = v;
        sentQ[i] = q;
        ids[count] = i;
        vals[count] = v;
        qs[count] = q;
        count++;
      }
    }
    return count;
  }

  /** Adopt {@link current} and `quality` as sent without producing a delta (initial state). */
  adopt(quality: Uint8Array): void {
    this.#sent.set(this.current);
    this.#sentQuality.set(quality.subarray(0, this.size));
  }

  /** Encode the first `count` entries of the delta scratch. Returns fresh bytes. */
  encodeDelta(count: number, tick: number, time: number): Uint8Array {
    return this.#encode(false, this.#ids, this.#values, this.#quality, count, tick, time);
  }

  /** Encode every signal as last sent (consistent with the deltas that follow). */
  encodeKey(tick: number, time: number): Uint8Array {
    return this.#encode(true, this.#allIds, this.#sent, this.#sentQuality, this.size, tick, time);
  }

  #encode(key: boolean, ids: Uint32Array, vals: Float64Array, qs: Uint8Array, count: number, tick: number, time: number): Uint8Array {
    const f = this.#frame;
    f.key = key;
    f.tick = tick;
    f.time = time;
    // Byte views over the typed arrays: msgpack writes them as `bin` without a per-value loop.
    // (Little-endian on the wire; server.ts refuses to start on a big-endian host.)
    f.ids = new Uint8Array(ids.buffer, ids.byteOffset, count * 4);
    f.values = new Uint8Array(vals.buffer, vals.byteOffset, count * 8);
    f.quality = new Uint8Array(qs.buffer, qs.byteOffset, count);
    f.pub = wallNow();
    f.seq = this.#seq;
    return this.#encoder.encode(f);
  }
}
