// Batching: the tags of a batch grouped into as few Modbus requests as the protocol allows.
// Per table, tags sorted by address; a request grows while the next tag is contiguous (or, for
// reads, within `maxGap` unmapped registers) and the request stays within the protocol's limit
// (125 registers / 2,000 bits read, 123 / 1,968 written). A multi-register value is never split.
// Planned once at prepare; each request keeps its tags' positions and, for writes, its payload
// buffer, so a cycle only fills and sends.

import { LIMITS, type ModbusAddress, type ModbusTable } from './modbus-address.ts';

export interface ModbusRequest {
  readonly table: ModbusTable;
  /** First coil or register (zero-based). */
  readonly start: number;
  /** Coils or registers in the request. */
  readonly count: number;
  /** Indices (tag order of the batch) of the tags this request carries. */
  readonly tags: Int32Array;
  /** Per carried tag: byte offset of its first register in the data, or its bit index for coils. */
  readonly pos: Int32Array;
  /** Write requests on registers: the payload, reused every cycle. */
  readonly registers: Buffer | undefined;
  /** Write requests on coils: the states, reused every cycle. */
  readonly bits: boolean[] | undefined;
  /** `hr:0..124` for messages. */
  readonly text: string;
}

const isBitTable = (t: ModbusTable): boolean => t === 'coil' || t === 'di';

function limitOf(table: ModbusTable, direction: 'read' | 'write'): number {
  if (isBitTable(table)) return direction === 'read' ? LIMITS.readBits : LIMITS.writeBits;
  return direction === 'read' ? LIMITS.readRegisters : LIMITS.writeRegisters;
}

/**
 * Group `addresses` (tag order) into requests. `maxGap`: for reads, how many unmapped
 * registers or coils a request may span to save a request (0 = contiguous only; writes never
 * span gaps: they would overwrite what the simulation does not own).
 */
export function planRequests(addresses: readonly ModbusAddress[], direction: 'read' | 'write', maxGap = 0): ModbusRequest[] {
  const gap = direction === 'read' ? Math.max(0, Math.floor(maxGap)) : 0;
  const order = addresses.map((_, k) => k).sort((x, y) => {
    const a = addresses[x]!;
    const b = addresses[y]!;
    return a.table < b.table ? -1 : a.table > b.table ? 1 : a.offset - b.offset || b.words - a.words;
  });
  const out: ModbusRequest[] = [];
  let members: number[] = [];
  let table: ModbusTable | undefined;
  let start = 0;
  let end = 0; // exclusive
  const flush = (): void => {
    if (table === undefined || members.length === 0) return;
    const count = end - start;
    const bit = isBitTable(table);
    const pos = Int32Array.from(members, (k) => (bit ? addresses[k]!.offset - start : 2 * (addresses[k]!.offset - start)));
    out.push({
      table,
      start,
      count,
      tags: Int32Array.from(members),
      pos,
      registers: direction === 'write' && !bit ? Buffer.alloc(2 * count) : undefined,
      bits: direction === 'write' && bit ? new Array<boolean>(count).fill(false) : undefined,
      text: `${table}:${start}..${end - 1}`,
    });
    members = [];
  };
  for (const k of order) {
    const a = addresses[k]!;
    const aEnd = a.offset + a.words;
    const fits = a.table === table && a.offset <= end + gap && Math.max(end, aEnd) - start <= limitOf(a.table, direction);
    if (!fits) {
      flush();
      table = a.table;
      start = a.offset;
      end = aEnd;
    } else {
      end = Math.max(end, aEnd);
    }
    members.push(k);
  }
  flush();
  return out;
}
