// Modbus addresses as plant files write them, parsed once (prepare) into table, zero-based
// offset, data type and byte/word order. Pure; the adapter never parses during a cycle.
// Forms (case-insensitive):
//   coil:0  di:10  hr:100  ir:5                      table + zero-based protocol address
//   00001 / 10001 / 30001 / 40001  (and 6 digits)    Modicon numbers, one-based (40001 = hr:0)
//   %QX0.0 %IX0.0 %IW0 %QW0 %MW0 %MD0 %ML0           OpenPLC located variables (its Modbus map)
// optionally followed by :ABCD / :CDAB / :BADC / :DCBA, this tag's byte and word order.

import type { SignalType } from '../../core/signals.ts';

export type ModbusTable = 'coil' | 'di' | 'hr' | 'ir';

/** Register data types; BOOL is a coil or discrete input (or a register read as != 0). */
export const MODBUS_TYPES = {
  BOOL: { words: 1, integer: true, min: 0, max: 1 },
  INT16: { words: 1, integer: true, min: -32768, max: 32767 },
  UINT16: { words: 1, integer: true, min: 0, max: 65535 },
  INT32: { words: 2, integer: true, min: -2147483648, max: 2147483647 },
  UINT32: { words: 2, integer: true, min: 0, max: 4294967295 },
  FLOAT32: { words: 2, integer: false, min: -Infinity, max: Infinity },
  FLOAT64: { words: 4, integer: false, min: -Infinity, max: Infinity },
} as const;

export type ModbusType = keyof typeof MODBUS_TYPES;

/** Order of the 16-bit words of a multi-word value, and of the two bytes in each word. */
export type Endianness = 'big' | 'little';

export interface ModbusOrder {
  readonly wordOrder: Endianness;
  readonly byteOrder: Endianness;
}

export interface ModbusAddress {
  readonly table: ModbusTable;
  /** Zero-based protocol address of the first coil or register. */
  readonly offset: number;
  readonly type: ModbusType;
  /** Registers spanned (1 for coils and discrete inputs). */
  readonly words: number;
  readonly wordOrder: Endianness;
  readonly byteOrder: Endianness;
  /** `hr:100 FLOAT32 CDAB`: what messages name. */
  readonly text: string;
}

/** Modbus's own limits per request (Modbus Application Protocol v1.1b3, 6.1-6.12). */
export const LIMITS = {
  readRegisters: 125,
  readBits: 2000,
  writeRegisters: 123,
  writeBits: 1968,
} as const;

const ORDER_NAMES: Readonly<Record<string, ModbusOrder>> = {
  ABCD: { wordOrder: 'big', byteOrder: 'big' },
  CDAB: { wordOrder: 'little', byteOrder: 'big' },
  BADC: { wordOrder: 'big', byteOrder: 'little' },
  DCBA: { wordOrder: 'little', byteOrder: 'little' },
};

export function orderName(o: ModbusOrder): string {
  return o.wordOrder === 'big' ? (o.byteOrder === 'big' ? 'ABCD' : 'BADC') : o.byteOrder === 'big' ? 'CDAB' : 'DCBA';
}

const TABLE_FORM = /^(COIL|CO|DI|HR|IR):(\d{1,5})$/;
const MODICON_FORM = /^([0134])(\d{4,5})$/;
const OPENPLC_FORM = /^%(IX|QX|IW|QW|MW|MD|ML)(\d{1,4})(?:\.(\d))?$/;
const MODICON_TABLE: Readonly<Record<string, ModbusTable>> = { '0': 'coil', '1': 'di', '3': 'ir', '4': 'hr' };

interface Located {
  readonly table: ModbusTable;
  readonly offset: number;
  /** Register width the address itself implies (OpenPLC %MD = 2, %ML = 4), 0 = any. */
  readonly width: number;
}

/** Where an address points, or why it is not an address. */
function locate(s: string): Located | string {
  const t = TABLE_FORM.exec(s);
  if (t) {
    const table: ModbusTable = t[1] === 'CO' || t[1] === 'COIL' ? 'coil' : (t[1]!.toLowerCase() as ModbusTable);
    const offset = Number(t[2]);
    if (offset > 65535) return `${s}: Modbus addresses are 0..65535`;
    return { table, offset, width: 0 };
  }
  const m = MODICON_FORM.exec(s);
  if (m) {
    // Modicon numbers are one-based: 40001 is the first holding register (hr:0).
    const n = Number(m[2]);
    if (n < 1) return `${s}: Modicon numbers start at 1 (${m[1]}0001 is the first)`;
    if (n > 65536) return `${s}: Modicon numbers end at ${m[1]}65536`;
    return { table: MODICON_TABLE[m[1]!]!, offset: n - 1, width: 0 };
  }
  const o = OPENPLC_FORM.exec(s);
  if (o) return locateOpenPlc(o[1]!, Number(o[2]), o[3]);
  return 'not a Modbus address (forms: coil:0  di:10  hr:100  ir:5  00001  10001  30001  40001  %QX0.0  %IX0.0  %IW0  %QW0  %MW0; an order may follow: hr:100:CDAB)';
}

/** OpenPLC runtime's Modbus map (its documentation, "Modbus addressing"). */
function locateOpenPlc(kind: string, n: number, bit: string | undefined): Located | string {
  if (kind === 'IX' || kind === 'QX') {
    if (bit === undefined) return `%${kind}${n}: a bit address needs .<bit> (e.g. %${kind}0.0)`;
    if (Number(bit) > 7) return `%${kind}${n}.${bit}: bit > 7`;
    if (n > 199) return `%${kind}${n}.${bit}: OpenPLC maps %${kind}0.0 to %${kind}199.7 only`;
    return { table: kind === 'IX' ? 'di' : 'coil', offset: n * 8 + Number(bit), width: 0 };
  }
  if (bit !== undefined) return `%${kind}${n}.${bit}: a word address takes no bit`;
  if (n > 1023) return `%${kind}${n}: OpenPLC maps %${kind}0 to %${kind}1023 only`;
  switch (kind) {
    case 'IW':
      return { table: 'ir', offset: n, width: 1 };
    case 'QW':
      return { table: 'hr', offset: n, width: 1 };
    case 'MW':
      return { table: 'hr', offset: 1024 + n, width: 1 };
    case 'MD':
      return { table: 'hr', offset: 2048 + 2 * n, width: 2 };
    default: // ML
      return { table: 'hr', offset: 4096 + 4 * n, width: 4 };
  }
}

/** The data type a tag gets when the plant file names none. */
function defaultType(signal: SignalType, bitTable: boolean, width: number): ModbusType {
  if (bitTable || signal === 'bool') return 'BOOL';
  if (width === 4) return 'FLOAT64';
  if (width === 2) return signal === 'int' ? 'INT32' : 'FLOAT32';
  return signal === 'int' ? 'INT16' : width === 1 ? 'INT16' : 'FLOAT32';
}

/**
 * Parse an address for a tag of signal type `signal` (and optional `plcType`), with the
 * controller's default `order`. Returns the reason it is not valid, or the parsed address.
 */
export function parseModbusAddress(text: string, signal: SignalType, plcType: string | undefined, order: ModbusOrder): ModbusAddress | string {
  const s = text.trim().toUpperCase().replace(/\s+/g, '');
  const colon = s.lastIndexOf(':');
  const suffix = colon > 0 ? s.slice(colon + 1) : '';
  const tagOrder = ORDER_NAMES[suffix];
  const body = tagOrder ? s.slice(0, colon) : s;
  const where = locate(body);
  if (typeof where === 'string') return where;
  const bitTable = where.table === 'coil' || where.table === 'di';
  const name = (plcType?.trim().toUpperCase() ?? '') || defaultType(signal, bitTable, where.width);
  if (!Object.hasOwn(MODBUS_TYPES, name)) return `plcType ${plcType}: not a Modbus type (${Object.keys(MODBUS_TYPES).join(', ')})`;
  const type = name as ModbusType;
  const def = MODBUS_TYPES[type];
  if (bitTable && type !== 'BOOL') return `${where.table === 'coil' ? 'a coil' : 'a discrete input'} is one bit: it holds a BOOL, not ${type}`;
  if (where.width > 0 && type !== 'BOOL' && def.words !== where.width) return `${body} is ${where.width * 16} bits wide; ${type} is ${def.words * 16}`;
  if (signal === 'bool' && type !== 'BOOL') return `a bool tag needs BOOL (a coil, a discrete input or a register read as != 0), not ${type}`;
  if (signal !== 'bool' && type === 'BOOL') return `a ${signal} tag cannot be a BOOL; map it as a bool tag`;
  if (signal === 'int' && !def.integer) return `an int tag cannot be ${type}; map it as a real tag`;
  const words = bitTable ? 1 : def.words;
  if (where.offset + words - 1 > 65535) return `${body} + ${words} registers runs past the last Modbus address (65535)`;
  if (tagOrder && (bitTable || def.words === 1) && tagOrder.byteOrder === 'big' && tagOrder.wordOrder === 'little') {
    return `${suffix} swaps words; ${type} has one word (use ABCD or BADC)`;
  }
  const o = tagOrder ?? order;
  const orderText = !bitTable && (o.wordOrder !== 'big' || o.byteOrder !== 'big') ? ` ${orderName(o)}` : '';
  return {
    table: where.table,
    offset: where.offset,
    type,
    words,
    wordOrder: o.wordOrder,
    byteOrder: o.byteOrder,
    text: `${where.table}:${where.offset} ${type}${orderText}`,
  };
}
