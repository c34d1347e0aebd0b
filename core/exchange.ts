// The exchange between a controller and the signal table, at each controller cycle:
// controller outputs -> actuator signals, sensor signals -> controller inputs.
// This is the lock-step form used with a steppable controller (the built-in one): it runs in
// the physics worker between steps, synchronously, so runs are deterministic at any pace.

import type { SignalType } from './signals.ts';
import type { SteppableAdapter, TagBatch, TagDirection } from '../plc-adapters/adapter.ts';
import { TwinloopError } from './errors.ts';

/** One line of a tag map: which controller address feeds or is fed by which signal. */
export interface TagMapping {
  readonly signal: string;
  readonly address: string;
  readonly type: SignalType;
  /** `read`: a controller output driving an actuator; `write`: a sensor into a controller input. */
  readonly direction: TagDirection;
}

export class LockstepExchange {
  readonly adapter: SteppableAdapter;
  readonly #outBatch: TagBatch;
  readonly #inBatch: TagBatch;
  // Signal ids resolved once; scratch buffers preallocated so a cycle allocates nothing.
  readonly #actuatorIds: Int32Array;
  readonly #sensorIds: Int32Array;
  readonly #outValues: Float64Array;
  readonly #outQuality: Uint8Array;
  readonly #inValues: Float64Array;
  #cycles = 0;

  private constructor(adapter: SteppableAdapter, outBatch: TagBatch, inBatch: TagBatch, actuatorIds: Int32Array, sensorIds: Int32Array) {
    this.adapter = adapter;
    this.#outBatch = outBatch;
    this.#inBatch = inBatch;
    this.#actuatorIds = actuatorIds;
    this.#sensorIds = sensorIds;
    this.#outValues = new Float64Array(actuatorIds.length);
    this.#outQuality = new Uint8Array(actuatorIds.length);
    this.#inValues = new Float64Array(sensorIds.length);
  }

  /**
   * Connect the adapter and compile the tag map against it and the signal catalog.
   * @throws TwinloopError SIG_UNKNOWN for a mapped signal missing from the catalog, and the
   * adapter's PLC_TAG_UNKNOWN / PLC_TAG_TYPE for addresses it does not know.
   */
  static async create(adapter: SteppableAdapter, map: readonly TagMapping[], resolve: (name: string) => number): Promise<LockstepExchange> {
    const reads = map.filter((m) => m.direction === 'read');
    const writes = map.filter((m) => m.direction === 'write');
    const ids = (list: readonly TagMapping[]): Int32Array =>
      Int32Array.from(list, (m) => {
        try {
          return resolve(m.signal);
        } catch (err) {
          throw new TwinloopError('SIG_UNKNOWN', `tag ${m.address} maps to unknown signal ${m.signal}`, { cause: err });
        }
      });
    const actuatorIds = ids(reads);
    const sensorIds = ids(writes);
    await adapter.connect();
    const outBatch = await adapter.prepare(reads.map((m) => ({ address: m.address, type: m.type, direction: 'read' as const })));
    const inBatch = await adapter.prepare(writes.map((m) => ({ address: m.address, type: m.type, direction: 'write' as const })));
    return new LockstepExchange(adapter, outBatch, inBatch, actuatorIds, sensorIds);
  }

  get cycles(): number {
    return this.#cycles;
  }

  /** One controller cycle against the model's working values. Allocation-free. */
  cycle(values: Float64Array, quality: Uint8Array): void {
    const sIds = this.#sensorIds;
    const inV = this.#inValues;
    for (let k = 0; k < sIds.length; k++) inV[k] = values[sIds[k]!]!;
    this.adapter.writeSync(this.#inBatch, inV);
    this.adapter.scan();
    const outV = this.#outValues;
    const outQ = this.#outQuality;
    this.adapter.readSync(this.#outBatch, outV, outQ);
    const aIds = this.#actuatorIds;
    for (let k = 0; k < aIds.length; k++) {
      const id = aIds[k]!;
      values[id] = outV[k]!;
      quality[id] = outQ[k]!;
    }
    this.#cycles++;
  }

  /** Cold restart of the controller (run reset). */
  restart(): void {
    this.adapter.restart();
    this.#cycles = 0;
  }
}
