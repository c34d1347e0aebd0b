// The one interface every controller coupling implements (built-in controller, OPC UA, ADS, S7).
// The exchange loop talks only to this; protocols are chosen by a factory map, never by if/else.

import type { SignalType } from '../core/signals.ts';
import type { ConnectionState } from '../core/engine/run-control.ts';

export type { ConnectionState };

/** Which way a tag moves: `read` = controller output read by twinloop, `write` = controller input. */
export type TagDirection = 'read' | 'write';

/** One tag as the plant file (or a built-in program) declares it. */
export interface TagSpec {
  /** Protocol address: a symbol name, `ns=3;s=Line.M1.Run`, `DB1,REAL0`, ... */
  readonly address: string;
  readonly type: SignalType;
  readonly direction: TagDirection;
}

/**
 * A set of tags compiled once by {@link PlcAdapter.prepare}: addresses parsed, handles
 * resolved, types checked. Reads and writes then move plain numbers in tag order.
 */
export interface TagBatch {
  readonly adapter: PlcAdapter;
  readonly tags: readonly TagSpec[];
}

/** Per-tag quality reported by reads, same codes as the signal table (0 good, 2 bad). */
export type TagQuality = Uint8Array;

/**
 * A coupling to one controller.
 *
 * @example
 * const plc = createAdapter({ protocol: 'sim', program: 'sorting' });
 * await plc.connect();
 * const outs = await plc.prepare(tags.filter((t) => t.direction === 'read'));
 * const v = new Float64Array(outs.tags.length), q = new Uint8Array(outs.tags.length);
 * await plc.read(outs, v, q);
 */
export interface PlcAdapter {
  readonly protocol: string;
  readonly state: ConnectionState;
  /** Open the connection. @throws TwinloopError PLC_NOT_CONNECTED when it cannot be reached. */
  connect(): Promise<void>;
  /** Compile tags. @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE naming the tag. */
  prepare(tags: readonly TagSpec[]): Promise<TagBatch>;
  /** Read a batch of `read` tags into `out` (tag order) with per-tag quality. */
  read(batch: TagBatch, out: Float64Array, quality: TagQuality): Promise<void>;
  /** Write a batch of `write` tags from `values` (tag order). */
  write(batch: TagBatch, values: Float64Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * A controller that can be stepped: the built-in controller (and later soft PLCs) lets the
 * engine run its scan in lock-step with the physics, synchronously, so fast and scaled
 * pacing stay deterministic. Network PLCs do not implement this.
 */
export interface SteppableAdapter extends PlcAdapter {
  readonly cycleMs: number;
  readSync(batch: TagBatch, out: Float64Array, quality: TagQuality): void;
  writeSync(batch: TagBatch, values: Float64Array): void;
  /** One PLC scan: copy the input image, run the program, latch the output image. */
  scan(): void;
  /** Cold restart: clear program state and the process images. */
  restart(): void;
}

export function isSteppable(a: PlcAdapter): a is SteppableAdapter {
  return typeof (a as Partial<SteppableAdapter>).scan === 'function';
}
