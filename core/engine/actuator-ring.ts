// Actuator values from the main thread (a network PLC's exchange loop) to the physics worker:
// a single-producer single-consumer ring in a SharedArrayBuffer. The worker drains it before
// each wake's steps, so the physics never waits on I/O and no message is allocated per value.

const HEAD = 0; // next slot the consumer reads
const TAIL = 1; // next slot the producer writes
const DROPPED = 2; // values refused because the ring was full
const HEADER_INTS = 4;

export class ActuatorRing {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly #h: Int32Array;
  readonly #ids: Int32Array;
  readonly #values: Float64Array;
  readonly #quality: Uint8Array;

  /** With `buffer`, attach to an existing ring (the worker side); its capacity comes from its size. */
  constructor(capacity = 8192, buffer?: SharedArrayBuffer) {
    this.capacity = buffer ? (buffer.byteLength - HEADER_INTS * 4) / 13 : capacity;
    this.buffer = buffer ?? new SharedArrayBuffer(ActuatorRing.byteLength(this.capacity));
    let off = 0;
    this.#h = new Int32Array(this.buffer, off, HEADER_INTS);
    off += HEADER_INTS * 4;
    this.#values = new Float64Array(this.buffer, off, capacity);
    off += capacity * 8;
    this.#ids = new Int32Array(this.buffer, off, capacity);
    off += capacity * 4;
    this.#quality = new Uint8Array(this.buffer, off, capacity);
  }

  static byteLength(capacity: number): number {
    return HEADER_INTS * 4 + capacity * (8 + 4 + 1);
  }

  /** Producer (main thread): queue one value; false when the ring is full (counted). */
  push(id: number, value: number, quality: number): boolean {
    const tail = Atomics.load(this.#h, TAIL);
    const next = (tail + 1) % this.capacity;
    if (next === Atomics.load(this.#h, HEAD)) {
      Atomics.add(this.#h, DROPPED, 1);
      return false;
    }
    this.#ids[tail] = id;
    this.#values[tail] = value;
    this.#quality[tail] = quality;
    // The store of TAIL publishes the slot written above to the consumer.
    Atomics.store(this.#h, TAIL, next);
    return true;
  }

  /** Consumer (worker): apply every queued value; returns how many. Allocation-free. */
  drain(values: Float64Array, quality: Uint8Array): number {
    let head = Atomics.load(this.#h, HEAD);
    const tail = Atomics.load(this.#h, TAIL);
    let n = 0;
    while (head !== tail) {
      const id = this.#ids[head]!;
      values[id] = this.#values[head]!;
      quality[id] = this.#quality[head]!;
      head = (head + 1) % this.capacity;
      n++;
    }
    Atomics.store(this.#h, HEAD, head);
    return n;
  }

  get dropped(): number {
    return Atomics.load(this.#h, DROPPED);
  }
}
