// Decodes server frames. Values frames carry typed arrays as msgpack `bin`; the decoder hands
// back byte views that may sit at any offset inside the message, so they are copied into
// aligned scratch arrays (allocated once per catalog) before being read as Uint32/Float64.
// No DOM here: the same code is exercised by the Node tests.

import { Decoder } from '@msgpack/msgpack';
import type { ServerFrame, ValuesFrame } from '../../protocol.ts';

const decoder = new Decoder();

/** Decode one binary WebSocket message. Throws on bytes that are not a frame. */
export function decodeFrame(bytes: Uint8Array): ServerFrame {
  const frame = decoder.decode(bytes) as ServerFrame;
  if (typeof frame !== 'object' || frame === null || typeof frame.t !== 'string') throw new Error('frame is not a map with a t tag');
  return frame;
}

/** Reusable aligned arrays for the contents of ValuesFrames of a catalog of `size` signals. */
export class ValuesScratch {
  readonly ids: Uint32Array;
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  readonly #idBytes: Uint8Array;
  readonly #valueBytes: Uint8Array;
  readonly size: number;

  constructor(size: number) {
    this.size = size;
    this.ids = new Uint32Array(size);
    this.values = new Float64Array(size);
    this.quality = new Uint8Array(size);
    this.#idBytes = new Uint8Array(this.ids.buffer);
    this.#valueBytes = new Uint8Array(this.values.buffer);
  }

  /**
   * Copy a frame's arrays into the scratch; returns the entry count. Throws if the lengths
   * disagree or an id is out of the catalog (a server/client version mismatch).
   */
  read(frame: ValuesFrame): number {
    const n = frame.ids.byteLength / 4;
    if (!Number.isInteger(n) || n > this.size || frame.values.byteLength !== n * 8 || frame.quality.byteLength !== n) {
      throw new Error(`values frame has inconsistent lengths (${frame.ids.byteLength}/${frame.values.byteLength}/${frame.quality.byteLength})`);
    }
    this.#idBytes.set(frame.ids);
    this.#valueBytes.set(frame.values);
    this.quality.set(frame.quality);
    const ids = this.ids;
    for (let i = 0; i < n; i++) if (ids[i]! >= this.size) throw new Error(`values frame names id ${ids[i]} beyond the catalog`);
    return n;
  }
}
