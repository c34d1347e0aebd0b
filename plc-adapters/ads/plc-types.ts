// IEC 61131-3 elementary types as TwinCAT exposes them over ADS: size, ADS data type id,
// which twinloop signal type they carry, and how a number is read from / written to bytes.
// Shared by the ADS adapter (type checks, decoding) and the ADS target (symbol table).

import type { SignalType } from '../../core/signals.ts';

export interface PlcType {
  readonly name: string;
  readonly size: number;
  /** ADST_* id from the ADS spec (ADST_BIT 33, ADST_INT32 3, ADST_REAL64 5, ...). */
  readonly adsDataType: number;
  readonly signal: SignalType;
  /** Range of an integer type (what clampInteger saturates to); +-Infinity for reals and BOOL. */
  readonly min: number;
  readonly max: number;
  read(buf: Buffer, at: number): number;
  write(buf: Buffer, at: number, v: number): void;
}

function t(name: string, size: number, adsDataType: number, signal: SignalType, read: PlcType['read'], write: PlcType['write']): PlcType {
  let min = -Infinity;
  let max = Infinity;
  if (signal === 'int') {
    const bits = size * 8;
    const signed = adsDataType === 16 || adsDataType === 2 || adsDataType === 3;
    min = signed ? -(2 ** (bits - 1)) : 0;
    max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  }
  return { name, size, adsDataType, signal, min, max, read, write };
}

export const PLC_TYPES: Readonly<Record<string, PlcType>> = {
  BOOL: t('BOOL', 1, 33, 'bool', (b, a) => (b[a] ? 1 : 0), (b, a, v) => void (b[a] = v ? 1 : 0)),
  SINT: t('SINT', 1, 16, 'int', (b, a) => b.readInt8(a), (b, a, v) => void b.writeInt8(Math.trunc(v), a)),
  USINT: t('USINT', 1, 17, 'int', (b, a) => b.readUInt8(a), (b, a, v) => void b.writeUInt8(Math.trunc(v), a)),
  BYTE: t('BYTE', 1, 17, 'int', (b, a) => b.readUInt8(a), (b, a, v) => void b.writeUInt8(Math.trunc(v), a)),
  INT: t('INT', 2, 2, 'int', (b, a) => b.readInt16LE(a), (b, a, v) => void b.writeInt16LE(Math.trunc(v), a)),
  UINT: t('UINT', 2, 18, 'int', (b, a) => b.readUInt16LE(a), (b, a, v) => void b.writeUInt16LE(Math.trunc(v), a)),
  WORD: t('WORD', 2, 18, 'int', (b, a) => b.readUInt16LE(a), (b, a, v) => void b.writeUInt16LE(Math.trunc(v), a)),
  DINT: t('DINT', 4, 3, 'int', (b, a) => b.readInt32LE(a), (b, a, v) => void b.writeInt32LE(Math.trunc(v), a)),
  UDINT: t('UDINT', 4, 19, 'int', (b, a) => b.readUInt32LE(a), (b, a, v) => void b.writeUInt32LE(Math.trunc(v), a)),
  DWORD: t('DWORD', 4, 19, 'int', (b, a) => b.readUInt32LE(a), (b, a, v) => void b.writeUInt32LE(Math.trunc(v), a)),
  REAL: t('REAL', 4, 4, 'real', (b, a) => b.readFloatLE(a), (b, a, v) => void b.writeFloatLE(v, a)),
  LREAL: t('LREAL', 8, 5, 'real', (b, a) => b.readDoubleLE(a), (b, a, v) => void b.writeDoubleLE(v, a)),
};

/** The PLC type a soft PLC declares for a signal type (what the image layout uses). */
export const DEFAULT_PLC_TYPE: Readonly<Record<SignalType, string>> = { bool: 'BOOL', int: 'DINT', real: 'LREAL' };

/**
 * An integer signal value brought into the type's range (saturating, as a PLC's LIMIT would):
 * Buffer's writers throw on out-of-range values, and a wrapped value would be a silent lie.
 */
export function clampInteger(type: PlcType, v: number): number {
  if (type.signal !== 'int') return v;
  // The range is computed once per type: this runs for every integer tag of every write.
  const lo = type.min;
  const hi = type.max;
  const n = Math.trunc(v);
  return n < lo ? lo : n > hi ? hi : n === n ? n : 0;
}
