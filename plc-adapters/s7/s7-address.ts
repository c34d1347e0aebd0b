// S7 addresses as plant files write them, parsed once (prepare) into area, offsets and type.
// Forms (German mnemonics E/A accepted for I/Q):
//   DB<n>,X<byte>.<bit>   DB<n>,BYTE<b>  DB<n>,INT<b>  DB<n>,WORD<b>  DB<n>,DINT<b>  DB<n>,DWORD<b>
//   DB<n>,REAL<b>  DB<n>,LREAL<b>
//   I<byte>.<bit>  Q<byte>.<bit>  M<byte>.<bit>           (bits)
//   IB/IW/II/ID/IDI/IR<b>, likewise Q.. and M..             (byte, word, int, dword, dint, real)
// The parsed form carries the canonical nodes7 address, so the driver never sees a spelling
// it might read differently (nodes7 silently drops addresses it cannot parse).

import type { SignalType } from '../../core/signals.ts';

export type S7Area = 'DB' | 'I' | 'Q' | 'M';

export interface S7Type {
  readonly name: string;
  /** Bytes (a bit counts 1: it is read within its byte). */
  readonly size: number;
  readonly signal: SignalType;
}

export const S7_TYPES = {
  X: { name: 'X', size: 1, signal: 'bool' },
  BYTE: { name: 'BYTE', size: 1, signal: 'int' },
  INT: { name: 'INT', size: 2, signal: 'int' },
  WORD: { name: 'WORD', size: 2, signal: 'int' },
  DINT: { name: 'DINT', size: 4, signal: 'int' },
  DWORD: { name: 'DWORD', size: 4, signal: 'int' },
  REAL: { name: 'REAL', size: 4, signal: 'real' },
  LREAL: { name: 'LREAL', size: 8, signal: 'real' },
} as const satisfies Record<string, S7Type>;

export type S7TypeName = keyof typeof S7_TYPES;

export interface S7Address {
  readonly area: S7Area;
  /** DB number (0 outside DBs). */
  readonly db: number;
  readonly type: S7Type;
  readonly byte: number;
  /** Bit within the byte for X, else 0. */
  readonly bit: number;
  /** The same address as nodes7 spells it. */
  readonly nodes7: string;
}

/** Integer ranges per type, for saturating writes (a DINT cannot hold 1e12). */
export function s7Range(type: S7Type): readonly [number, number] {
  switch (type.name) {
    case 'X':
      return [0, 1];
    case 'BYTE':
      return [0, 255];
    case 'INT':
      return [-32768, 32767];
    case 'WORD':
      return [0, 65535];
    case 'DINT':
      return [-2147483648, 2147483647];
    case 'DWORD':
      return [0, 4294967295];
    default:
      return [-Infinity, Infinity];
  }
}

const DB_FORM = /^DB(\d{1,5}),(X|BYTE|B|INT|I|WORD|W|DINT|DI|DWORD|DW|D|REAL|R|LREAL|LR)(\d{1,5})(?:\.(\d))?$/;
const AREA_FORM = /^(I|E|Q|A|M)(B|W|I|D|DI|R|LR)?(\d{1,5})(?:\.(\d))?$/;

const DB_TYPE: Readonly<Record<string, S7TypeName>> = {
  X: 'X', BYTE: 'BYTE', B: 'BYTE', INT: 'INT', I: 'INT', WORD: 'WORD', W: 'WORD', DINT: 'DINT', DI: 'DINT',
  DWORD: 'DWORD', DW: 'DWORD', D: 'DWORD', REAL: 'REAL', R: 'REAL', LREAL: 'LREAL', LR: 'LREAL',
};
const AREA_TYPE: Readonly<Record<string, S7TypeName>> = { '': 'X', B: 'BYTE', W: 'WORD', I: 'INT', D: 'DWORD', DI: 'DINT', R: 'REAL', LR: 'LREAL' };
// nodes7's mnemonic per type in I/Q/M addresses (its stringToS7Addr table).
const NODES7_AREA_SUFFIX: Readonly<Record<S7TypeName, string>> = { X: '', BYTE: 'B', WORD: 'W', INT: 'I', DWORD: 'D', DINT: 'DI', REAL: 'R', LREAL: 'LR' };

/** The reason an address is not valid, or the parsed address. Pure; never throws. */
export function parseS7Address(text: string): S7Address | string {
  const s = text.trim().toUpperCase().replace(/\s+/g, '');
  const db = DB_FORM.exec(s);
  if (db) {
    const [, n, t, b, bit] = db;
    const typeName = DB_TYPE[t!]!;
    const dbNo = Number(n);
    if (dbNo < 1) return 'DB numbers start at 1';
    if (typeName === 'X' && bit === undefined) return 'a bit address needs .<bit> (e.g. DB1,X4.0)';
    if (typeName !== 'X' && bit !== undefined) return `${typeName} takes no bit number`;
    if (bit !== undefined && Number(bit) > 7) return `bit ${bit} > 7`;
    const byte = Number(b);
    const nodes7 = typeName === 'X' ? `DB${dbNo},X${byte}.${bit}` : `DB${dbNo},${typeName}${byte}`;
    return { area: 'DB', db: dbNo, type: S7_TYPES[typeName], byte, bit: bit === undefined ? 0 : Number(bit), nodes7 };
  }
  const area = AREA_FORM.exec(s);
  if (area) {
    const [, a, t = '', b, bit] = area;
    const typeName = AREA_TYPE[t]!;
    const areaName: S7Area = a === 'E' ? 'I' : a === 'A' ? 'Q' : (a as S7Area);
    if (typeName === 'X' && bit === undefined) return `a bit address needs .<bit> (e.g. ${areaName}0.0)`;
    if (typeName !== 'X' && bit !== undefined) return `${typeName} takes no bit number`;
    if (bit !== undefined && Number(bit) > 7) return `bit ${bit} > 7`;
    const byte = Number(b);
    const nodes7 = `${areaName}${NODES7_AREA_SUFFIX[typeName]}${byte}${typeName === 'X' ? `.${bit}` : ''}`;
    return { area: areaName, db: 0, type: S7_TYPES[typeName], byte, bit: bit === undefined ? 0 : Number(bit), nodes7 };
  }
  return 'not an S7 address (forms: DB1,REAL0  DB1,X4.0  DB1,INT6  DB1,DINT8  I0.0  Q0.1  M10.0  MW2  MR4)';
}
