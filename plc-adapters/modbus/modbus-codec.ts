// Values <-> Modbus register bytes as they travel on the wire (each register big endian, as the
// protocol defines), honouring a tag's word and byte order. Pure functions over caller-owned
// buffers; the only scratch is one 8-byte buffer reused by every call, so a cycle allocates nothing.

import { MODBUS_TYPES, type ModbusAddress, type ModbusType } from './modbus-address.ts';

// reuse: the value's bytes in big-endian order, gathered from or scattered to the wire.
const scratch = Buffer.alloc(8);

/** Copy `words` registers at `pos` of `wire` into scratch, most significant byte first. */
function gather(wire: Buffer, pos: number, words: number, wordLittle: boolean, byteLittle: boolean): void {
  for (let k = 0; k < words; k++) {
    const w = pos + 2 * (wordLittle ? words - 1 - k : k);
    const hi = wire[w]!;
    const lo = wire[w + 1]!;
    scratch[2 * k] = byteLittle ? lo : hi;
    scratch[2 * k + 1] = byteLittle ? hi : lo;
  }
}

function scatter(wire: Buffer, pos: number, words: number, wordLittle: boolean, byteLittle: boolean): void {
  for (let k = 0; k < words; k++) {
    const w = pos + 2 * (wordLittle ? words - 1 - k : k);
    const hi = scratch[2 * k]!;
    const lo = scratch[2 * k + 1]!;
    wire[w] = byteLittle ? lo : hi;
    wire[w + 1] = byteLittle ? hi : lo;
  }
}

/** The value of register type `type` at byte `pos` of `wire`. */
export function decodeRegisters(wire: Buffer, pos: number, a: Pick<ModbusAddress, 'type' | 'words' | 'wordOrder' | 'byteOrder'>): number {
  gather(wire, pos, a.words, a.wordOrder === 'little', a.byteOrder === 'little');
  switch (a.type) {
    case 'BOOL':
      return scratch.readUInt16BE(0) !== 0 ? 1 : 0;
    case 'INT16':
      return scratch.readInt16BE(0);
    case 'UINT16':
      return scratch.readUInt16BE(0);
    case 'INT32':
      return scratch.readInt32BE(0);
    case 'UINT32':
      return scratch.readUInt32BE(0);
    case 'FLOAT32':
      return scratch.readFloatBE(0);
    default:
      return scratch.readDoubleBE(0);
  }
}

/** An integer type's value as the register holds it: truncated and saturated (NaN -> 0). */
export function saturate(type: ModbusType, v: number): number {
  const t = MODBUS_TYPES[type];
  if (type === 'BOOL') return v !== 0 && !Number.isNaN(v) ? 1 : 0;
  const n = Math.trunc(v) || 0;
  return n < t.min ? t.min : n > t.max ? t.max : n;
}

/** Write `v` as register type `type` at byte `pos` of `wire`. */
export function encodeRegisters(wire: Buffer, pos: number, a: Pick<ModbusAddress, 'type' | 'words' | 'wordOrder' | 'byteOrder'>, v: number): void {
  switch (a.type) {
    case 'BOOL':
    case 'UINT16':
      scratch.writeUInt16BE(saturate(a.type, v), 0);
      break;
    case 'INT16':
      scratch.writeInt16BE(saturate(a.type, v), 0);
      break;
    case 'INT32':
      scratch.writeInt32BE(saturate(a.type, v), 0);
      break;
    case 'UINT32':
      scratch.writeUInt32BE(saturate(a.type, v), 0);
      break;
    case 'FLOAT32':
      scratch.writeFloatBE(v, 0);
      break;
    default:
      scratch.writeDoubleBE(v, 0);
  }
  scatter(wire, pos, a.words, a.wordOrder === 'little', a.byteOrder === 'little');
}

/** Bit `index` of a coil/discrete-input reply's packed bytes (bit 0 = LSB of the first byte). */
export function decodeBit(packed: Buffer, index: number): number {
  return (packed[index >> 3]! >> (index & 7)) & 1;
}
