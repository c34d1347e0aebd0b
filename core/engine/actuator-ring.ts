// Actuator values from the main thread (the network PLCs' exchange loops) to the physics worker,
// in a SharedArrayBuffer: one slot per actuator signal the plant file lets a PLC drive (sized
// from the tag map), and a ring of the slots changed since the worker last looked. A value
// written while its slot is still unread replaces the older one (the newest command wins, and
// is counted as coalesced); nothing is ever refused for lack of room, since each slot is queued
// at most once and the ring has room for all of them. The worker drains it before each wake's
// steps, so the physics never waits on I/O and nothing is allocated per value.
//
// Order between the two threads: the producer writes the value, then marks the slot dirty
// (queueing it if it was clean); the consumer takes a slot off the ring, marks it clean, then
// reads the value. A value written between those two consumer steps re-queues the slot, so the
// worker applies it in its next drain at the latest (at worst twice, never not at all).

const HEAD = 0; // next queue position the consumer reads
const TAIL = 1; // next queue position the producer writes
const COALESCED = 2; // values that replaced an unread value of the same signal
const SLOTS = 3;
// Deliveries: the producer counts each delivery after its pushes (DELIVERED); the consumer notes
// the count as it starts a drain and, once a table publish carries what that drain applied,
// stores it in SHOWN. A delivery numbered d is in the table when SHOWN >= d (the HMI publisher
// frames PLC values then, issue 24). Both count up and wrap at 2^31: compared as differences.
const DELIVERED = 4;
const SHOWN = 5;
const HEADER_INTS = 8;

export class ActuatorRing {
  readonly buffer: SharedArrayBuffer;
  /** Actuator signals that have a slot. */
  readonly slots: number;
  readonly #h: Int32Array;
  /** Slot -> signal id. */
  readonly #ids: Int32Array;
  readonly #values: Float64Array;
  readonly #dirty: Int32Array;
  /** Ring of dirty slots; one place more than slots, so a full ring is told from an empty one. */
  readonly #queue: Int32Array;
  readonly #quality: Uint8Array;
  /** Producer side: signal id -> slot, -1 for a signal no PLC drives. */
  readonly #slotOf: Int32Array;
  #refused = 0;
  /** Consumer side: DELIVERED as the last drain started. */
  #drained = 0;

  /**
   * Main thread: a mailbox for these actuator signal ids (each at most once). Worker: attach to
   * the `buffer` the main thread made (`ids` is then ignored).
   */
  constructor(ids: readonly number[], buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(ActuatorRing.byteLength(ids.length));
    const n = buffer ? new Int32Array(buffer, 0, HEADER_INTS)[SLOTS]! : ids.length;
    this.slots = n;
    let off = 0;
    this.#h = new Int32Array(this.buffer, off, HEADER_INTS);
    off += HEADER_INTS * 4;
    this.#values = new Float64Array(this.buffer, off, n);
    off += n * 8;
    this.#ids = new Int32Array(this.buffer, off, n);
    off += n * 4;
    this.#dirty = new Int32Array(this.buffer, off, n);
    off += n * 4;
    this.#queue = new Int32Array(this.buffer, off, n + 1);
    off += (n + 1) * 4;
    this.#quality = new Uint8Array(this.buffer, off, n);
    if (buffer === undefined) {
      this.#h[SLOTS] = n;
      this.#ids.set(ids);
    }
    const maxId = buffer === undefined ? ids.reduce((m, id) => (id > m ? id : m), -1) : -1;
    this.#slotOf = new Int32Array(maxId + 1).fill(-1);
    if (buffer === undefined) ids.forEach((id, slot) => (this.#slotOf[id] = slot));
  }

  static byteLength(slots: number): number {
    return HEADER_INTS * 4 + slots * (8 + 4 + 4) + (slots + 1) * 4 + slots;
  }

  /**
   * Producer (main thread): the newest value of an actuator signal. False only for a signal
   * without a slot (no PLC read tag drives it), which is counted in `refused`: a coupling bug.
   */
  push(id: number, value: number, quality: number): boolean {
    const slot = id < this.#slotOf.length ? this.#slotOf[id]! : -1;
    if (slot < 0) {
      this.#refused++;
      return false;
    }
    this.#values[slot] = value;
    this.#quality[slot] = quality;
    if (Atomics.compareExchange(this.#dirty, slot, 0, 1) !== 0) {
      // Still queued: the worker will read this newer value in place of the one it replaced.
      Atomics.add(this.#h, COALESCED, 1);
      return true;
    }
    const tail = Atomics.load(this.#h, TAIL);
    this.#queue[tail] = slot;
    // The store of TAIL publishes the queue entry (and the value) to the consumer.
    Atomics.store(this.#h, TAIL, tail + 1 === this.#queue.length ? 0 : tail + 1);
    return true;
  }

  /**
   * Producer: a delivery's pushes are done; returns its number, for {@link shows}. Main thread.
   */
  endDelivery(): number {
    return (Atomics.add(this.#h, DELIVERED, 1) + 1) | 0;
  }

  /** Deliveries ended so far (the number of the last one). */
  get delivered(): number {
    return Atomics.load(this.#h, DELIVERED);
  }

  /** Does the table show every value of delivery `d` (and of all before it)? Any thread. */
  shows(d: number): boolean {
    return ((Atomics.load(this.#h, SHOWN) - d) | 0) >= 0;
  }

  /** Consumer: the deliveries the last drain took in full (read as it started). */
  get drained(): number {
    return this.#drained;
  }

  /** Consumer (worker): a table publish now shows what the drains up to `drained` applied. */
  published(drained: number): void {
    Atomics.store(this.#h, SHOWN, drained);
  }

  /** Consumer (worker): apply every changed value; returns how many. Allocation-free. */
  drain(values: Float64Array, quality: Uint8Array): number {
    // Read before the queue: every value of the deliveries counted here is queued already.
    this.#drained = Atomics.load(this.#h, DELIVERED);
    let head = Atomics.load(this.#h, HEAD);
    const tail = Atomics.load(this.#h, TAIL);
    const len = this.#queue.length;
    let n = 0;
    while (head !== tail) {
      const slot = this.#queue[head]!;
      // Clean before reading: a value written from here on queues the slot again.
      Atomics.exchange(this.#dirty, slot, 0);
      const id = this.#ids[slot]!;
      values[id] = this.#values[slot]!;
      quality[id] = this.#quality[slot]!;
      head = head + 1 === len ? 0 : head + 1;
      n++;
    }
    Atomics.store(this.#h, HEAD, head);
    return n;
  }

  /** True while values pushed are not yet drained (the worker, woken early, drains only then). */
  get pending(): boolean {
    return Atomics.load(this.#h, HEAD) !== Atomics.load(this.#h, TAIL);
  }

  /** Values that replaced an unread older value of the same signal (none is ever lost). */
  get coalesced(): number {
    return Atomics.load(this.#h, COALESCED);
  }

  /** Producer side: values for signals without a slot (should stay 0). */
  get refused(): number {
    return this.#refused;
  }
}
