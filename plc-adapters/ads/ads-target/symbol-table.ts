// The ADS target's symbol table: symbols laid out in one process-image index group, and the
// byte formats TwinCAT uses to describe them (symbol entries for SYM_UPLOAD and
// SYM_INFOBYNAMEEX, data type entries for DT_UPLOAD and DATATYPE_INFOBYNAMEEX, upload info).

import { PLC_TYPES, type PlcType } from '../plc-types.ts';

/** TwinCAT's %M-like PLC memory area: where the soft PLC's symbols live. */
export const PLC_MEMORY_GROUP = 0x4020;

export interface SymbolDef {
  readonly name: string;
  /** An elementary type name from PLC_TYPES (BOOL, DINT, LREAL, ...). */
  readonly type: string;
  readonly comment?: string;
}

export interface AdsSymbol {
  readonly name: string;
  readonly type: PlcType;
  readonly comment: string;
  readonly indexGroup: number;
  readonly indexOffset: number;
  readonly size: number;
}

const ADS_DATA_TYPE_FLAG_DATATYPE = 1;

/** Zero-terminated latin1 string bytes (TwinCAT's default symbol encoding). */
function cstr(s: string): Buffer {
  const b = Buffer.alloc(s.length + 1);
  b.write(s, 0, 'latin1');
  return b;
}

export function encodeSymbolEntry(sym: AdsSymbol): Buffer {
  const name = cstr(sym.name);
  const type = cstr(sym.type.name);
  const comment = cstr(sym.comment);
  const fixed = 4 + 4 + 4 + 4 + 4 + 2 + 2 + 2 + 2 + 2;
  // Entries are padded to 4 bytes, as TwinCAT does; readers skip by entry length.
  const len = (fixed + name.length + type.length + comment.length + 3) & ~3;
  const out = Buffer.alloc(len);
  out.writeUInt32LE(len, 0);
  out.writeUInt32LE(sym.indexGroup, 4);
  out.writeUInt32LE(sym.indexOffset, 8);
  out.writeUInt32LE(sym.size, 12);
  out.writeUInt32LE(sym.type.adsDataType, 16);
  out.writeUInt16LE(0, 20); // flags
  out.writeUInt16LE(0, 22); // array dimensions
  out.writeUInt16LE(name.length - 1, 24);
  out.writeUInt16LE(type.length - 1, 26);
  out.writeUInt16LE(comment.length - 1, 28);
  let at = fixed;
  name.copy(out, at);
  at += name.length;
  type.copy(out, at);
  at += type.length;
  comment.copy(out, at);
  return out;
}

/** A base type's data type entry: no sub items, flag DataType, empty base type name. */
export function encodeDataTypeEntry(type: PlcType): Buffer {
  const name = cstr(type.name);
  const base = cstr('');
  const comment = cstr('');
  const fixed = 4 + 4 * 7 + 2 * 5;
  const len = (fixed + name.length + base.length + comment.length + 3) & ~3;
  const out = Buffer.alloc(len);
  out.writeUInt32LE(len, 0);
  out.writeUInt32LE(1, 4); // version
  out.writeUInt32LE(0, 8); // hash
  out.writeUInt32LE(0, 12); // type hash
  out.writeUInt32LE(type.size, 16);
  out.writeUInt32LE(0, 20); // offset
  out.writeUInt32LE(type.adsDataType, 24);
  out.writeUInt32LE(ADS_DATA_TYPE_FLAG_DATATYPE, 28);
  out.writeUInt16LE(name.length - 1, 32);
  out.writeUInt16LE(base.length - 1, 34);
  out.writeUInt16LE(comment.length - 1, 36);
  out.writeUInt16LE(0, 38); // array dimensions
  out.writeUInt16LE(0, 40); // sub items
  let at = fixed;
  name.copy(out, at);
  at += name.length;
  base.copy(out, at);
  at += base.length;
  comment.copy(out, at);
  return out;
}

/**
 * Symbols laid out in declaration order, each aligned to its size (as TwinCAT's 8-byte pack
 * mode does for elementary types), in the PLC memory index group.
 */
export class SymbolTable {
  readonly symbols: readonly AdsSymbol[];
  readonly memorySize: number;
  readonly #byName = new Map<string, AdsSymbol>();
  #upload: Buffer | undefined;
  #dataTypes: Buffer | undefined;

  constructor(defs: readonly SymbolDef[], indexGroup = PLC_MEMORY_GROUP) {
    let offset = 0;
    const symbols: AdsSymbol[] = [];
    for (const d of defs) {
      const type = PLC_TYPES[d.type];
      if (!type) throw new RangeError(`symbol ${d.name}: unknown type ${d.type}; known: ${Object.keys(PLC_TYPES).join(', ')}`);
      const key = d.name.toLowerCase();
      if (this.#byName.has(key)) throw new RangeError(`symbol ${d.name} declared twice`);
      offset = Math.ceil(offset / type.size) * type.size;
      const sym: AdsSymbol = { name: d.name, type, comment: d.comment ?? '', indexGroup, indexOffset: offset, size: type.size };
      offset += type.size;
      symbols.push(sym);
      this.#byName.set(key, sym);
    }
    this.symbols = symbols;
    this.memorySize = Math.max(8, Math.ceil(offset / 8) * 8);
  }

  /** TwinCAT symbol names are case-insensitive. */
  find(name: string): AdsSymbol | undefined {
    return this.#byName.get(name.trim().toLowerCase());
  }

  /** SYM_UPLOAD: every symbol entry back to back. */
  get upload(): Buffer {
    return (this.#upload ??= Buffer.concat(this.symbols.map(encodeSymbolEntry)));
  }

  /** DT_UPLOAD: one entry per type in use. */
  get dataTypes(): Buffer {
    return (this.#dataTypes ??= Buffer.concat(this.usedTypes().map(encodeDataTypeEntry)));
  }

  usedTypes(): PlcType[] {
    return [...new Set(this.symbols.map((s) => s.type))];
  }

  /** SYM_UPLOADINFO2: version 2 (24 bytes) or 3 (64 bytes) by the requested length. */
  uploadInfo(requested: number): Buffer {
    const out = Buffer.alloc(requested >= 64 ? 64 : 24);
    out.writeUInt32LE(this.symbols.length, 0);
    out.writeUInt32LE(this.upload.length, 4);
    out.writeUInt32LE(this.usedTypes().length, 8);
    out.writeUInt32LE(this.dataTypes.length, 12);
    // max dynamic, dynamic, (v3) invalid dynamic, code page 0 = latin1, flags: all zero
    return out;
  }
}
