// The target's index-group services: what Read, Write and ReadWrite mean for each index
// group a TwinCAT PLC runtime answers (process image, symbol info, handles, sum commands,
// symbol version, device state). Pure over a `TargetState`; the server does the I/O.

import { AdsError } from './ads-codec.ts';
import { encodeDataTypeEntry, encodeSymbolEntry, PLC_MEMORY_GROUP, type AdsSymbol, type SymbolTable } from './symbol-table.ts';
import { PLC_TYPES } from '../plc-types.ts';

export const IndexGroup = {
  PLC_MEMORY: PLC_MEMORY_GROUP,
  SYM_HNDBYNAME: 0xf003,
  SYM_VALBYHND: 0xf005,
  SYM_RELEASEHND: 0xf006,
  SYM_VERSION: 0xf008,
  SYM_INFOBYNAMEEX: 0xf009,
  SYM_UPLOAD: 0xf00b,
  SYM_UPLOADINFO: 0xf00c,
  SYM_DT_UPLOAD: 0xf00e,
  SYM_UPLOADINFO2: 0xf00f,
  DATATYPE_INFOBYNAMEEX: 0xf011,
  SUMUP_READ: 0xf080,
  SUMUP_WRITE: 0xf081,
  SUMUP_READWRITE: 0xf082,
  /** PLC runtime state (adsState u16, deviceState u16): notified on change. */
  DEVICE_DATA: 0xf100,
  /** System service (port 10000) extended state: state, restart index, version. */
  SYSTEM_STATE_EX: 0xf0,
} as const;

/** TwinCAT's limit on sub-commands in one sum command. */
export const MAX_SUM_COMMANDS = 500;

/** What the services read and change. Handles belong to the target (TwinCAT keeps them per runtime). */
export interface TargetState {
  table: SymbolTable;
  memory: Buffer;
  symbolVersion: number;
  adsState: number;
  restartIndex: number;
  readonly handles: Map<number, { symbol: AdsSymbol; version: number }>;
  nextHandle: number;
  /** Set by services that touched the process image, for the server's counters. */
  touchedRead: boolean;
  touchedWrite: boolean;
  /**
   * Byte range of the process image written since the server last reset it ([lo, hi)), so a
   * soft PLC copies back only what a client wrote, not its whole image on every request.
   */
  writtenLo?: number;
  writtenHi?: number;
}

export interface ServiceResult {
  readonly error: number;
  readonly data: Buffer;
}

const EMPTY = Buffer.alloc(0);
const fail = (error: number): ServiceResult => ({ error, data: EMPTY });
const ok = (data: Buffer = EMPTY): ServiceResult => ({ error: AdsError.OK, data });

function nameOf(data: Buffer): string {
  const end = data.indexOf(0);
  return data.toString('latin1', 0, end < 0 ? data.length : end);
}

function memoryRange(s: TargetState, offset: number, length: number): boolean {
  return offset + length <= s.memory.length;
}

function markWritten(s: TargetState, from: number, to: number): void {
  s.touchedWrite = true;
  if (s.writtenLo === undefined || from < s.writtenLo) s.writtenLo = from;
  if (s.writtenHi === undefined || to > s.writtenHi) s.writtenHi = to;
}

/** Copy a few bytes: for the 1-8 byte symbols of a sum command, Buffer#copy's call costs more than the loop. */
function copyBytes(from: Buffer, start: number, to: Buffer, at: number, n: number): void {
  if (n > 16) {
    from.copy(to, at, start, start + n);
    return;
  }
  for (let i = 0; i < n; i++) to[at + i] = from[start + i]!;
}

function symbolByHandle(s: TargetState, handle: number): AdsSymbol | number {
  const h = s.handles.get(handle);
  if (!h) return AdsError.SYMBOL_NOT_FOUND;
  // A handle from before an online change names a symbol that may have moved.
  if (h.version !== s.symbolVersion) return AdsError.SYMBOL_VERSION_INVALID;
  return h.symbol;
}

/** imageSpan's answer for a group that is not the process image. */
const NOT_IMAGE = -1;
/** [start, size] of the process-image bytes the last imageSpan call addressed (no object per access). */
const span = new Int32Array(2);

/**
 * The process-image bytes an access of `length` bytes at (group, offset) covers, into `span`:
 * by offset (PLC_MEMORY) or by handle (SYM_VALBYHND; a read may ask for more than the symbol, a
 * write must give exactly its size). Returns AdsError.OK, the error that refuses the access, or
 * NOT_IMAGE. The one place single and sum reads and writes resolve what they touch.
 */
function imageSpan(s: TargetState, group: number, offset: number, length: number, write: boolean): number {
  if (group === IndexGroup.PLC_MEMORY) {
    if (!memoryRange(s, offset, length)) return AdsError.INVALID_INDEX_OFFSET;
    span[0] = offset;
    span[1] = length;
    return AdsError.OK;
  }
  if (group !== IndexGroup.SYM_VALBYHND) return NOT_IMAGE;
  const sym = symbolByHandle(s, offset);
  if (typeof sym === 'number') return sym;
  if (write ? length !== sym.size : length < sym.size) return AdsError.INVALID_SIZE;
  span[0] = sym.indexOffset;
  span[1] = sym.size;
  return AdsError.OK;
}

export function serviceRead(s: TargetState, port: number, group: number, offset: number, length: number): ServiceResult {
  const image = imageSpan(s, group, offset, length, false);
  if (image !== NOT_IMAGE) {
    if (image !== AdsError.OK) return fail(image);
    s.touchedRead = true;
    return ok(Buffer.from(s.memory.subarray(span[0]!, span[0]! + span[1]!)));
  }
  switch (group) {
    case IndexGroup.SYM_VERSION:
      return ok(Buffer.from([s.symbolVersion & 0xff]));
    case IndexGroup.SYM_UPLOADINFO2:
      return ok(s.table.uploadInfo(length));
    case IndexGroup.SYM_UPLOADINFO: {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(s.table.symbols.length, 0);
      b.writeUInt32LE(s.table.upload.length, 4);
      return ok(b);
    }
    case IndexGroup.SYM_UPLOAD:
      return ok(s.table.upload.subarray(0, Math.min(length, s.table.upload.length)));
    case IndexGroup.SYM_DT_UPLOAD:
      return ok(s.table.dataTypes.subarray(0, Math.min(length, s.table.dataTypes.length)));
    case IndexGroup.DEVICE_DATA: {
      const b = Buffer.alloc(4);
      b.writeUInt16LE(s.adsState, 0);
      return ok(b.subarray(0, Math.min(4, length)));
    }
    case IndexGroup.SYSTEM_STATE_EX: {
      if (port !== 10000) return fail(AdsError.INVALID_INDEX_GROUP);
      const b = Buffer.alloc(16);
      b.writeUInt16LE(s.adsState, 0);
      b.writeUInt16LE(0, 2);
      b.writeUInt16LE(s.restartIndex, 4);
      b.writeUInt8(3, 6); // TwinCAT 3.1 build 4026
      b.writeUInt8(1, 7);
      b.writeUInt16LE(4026, 8);
      return ok(b.subarray(0, Math.min(16, length)));
    }
    default:
      return fail(AdsError.INVALID_INDEX_GROUP);
  }
}

export function serviceWrite(s: TargetState, group: number, offset: number, data: Buffer): ServiceResult {
  const image = imageSpan(s, group, offset, data.length, true);
  if (image !== NOT_IMAGE) {
    if (image !== AdsError.OK) return fail(image);
    data.copy(s.memory, span[0]!);
    markWritten(s, span[0]!, span[0]! + span[1]!);
    return ok();
  }
  switch (group) {
    case IndexGroup.SYM_RELEASEHND: {
      if (data.length < 4) return fail(AdsError.INVALID_SIZE);
      return s.handles.delete(data.readUInt32LE(0)) ? ok() : fail(AdsError.SYMBOL_NOT_FOUND);
    }
    default:
      return fail(AdsError.INVALID_INDEX_GROUP);
  }
}

export function serviceReadWrite(s: TargetState, port: number, group: number, offset: number, readLength: number, data: Buffer): ServiceResult {
  switch (group) {
    case IndexGroup.SYM_HNDBYNAME: {
      const sym = s.table.find(nameOf(data));
      if (!sym) return fail(AdsError.SYMBOL_NOT_FOUND);
      const handle = s.nextHandle++;
      s.handles.set(handle, { symbol: sym, version: s.symbolVersion });
      if (readLength <= 4) {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(handle, 0);
        return ok(b);
      }
      // Extended answer (TwinCAT 3): handle, size, type decoration, type name.
      const type = Buffer.from(`${sym.type.name}\0`, 'latin1');
      const b = Buffer.alloc(14 + type.length);
      b.writeUInt32LE(handle, 0);
      b.writeUInt32LE(sym.size, 4);
      b.writeUInt32LE(0, 8);
      b.writeUInt16LE(type.length - 1, 12);
      type.copy(b, 14);
      return ok(b.subarray(0, Math.min(b.length, readLength)));
    }
    case IndexGroup.SYM_INFOBYNAMEEX: {
      const sym = s.table.find(nameOf(data));
      return sym ? ok(encodeSymbolEntry(sym)) : fail(AdsError.SYMBOL_NOT_FOUND);
    }
    case IndexGroup.DATATYPE_INFOBYNAMEEX: {
      const type = PLC_TYPES[nameOf(data).toUpperCase()];
      return type ? ok(encodeDataTypeEntry(type)) : fail(AdsError.SYMBOL_NOT_FOUND);
    }
    case IndexGroup.SUMUP_READ:
      return sumRead(s, port, offset, data);
    case IndexGroup.SUMUP_WRITE:
      return sumWrite(s, offset, data);
    case IndexGroup.SUMUP_READWRITE:
      return sumReadWrite(s, port, offset, data);
    default: {
      // A plain ReadWrite on a data area is a write followed by a read of the same place.
      if (data.length > 0) {
        const w = serviceWrite(s, group, offset, data);
        if (w.error) return w;
      }
      return serviceRead(s, port, group, offset, readLength);
    }
  }
}

// Sum read: request = n x (group, offset, length); response = n x result, then n x data
// (each sub-read's full length, zeros where it failed: the client skips by length).
// Process-image sub-reads (by handle or by offset: every cyclic read) are copied straight from
// the image into the response; only the other groups go through serviceRead's own buffers.
function sumRead(s: TargetState, port: number, count: number, req: Buffer): ServiceResult {
  if (count > MAX_SUM_COMMANDS) return fail(AdsError.INVALID_PARAM);
  if (req.length < count * 12) return fail(AdsError.INVALID_SIZE);
  let total = 0;
  for (let k = 0; k < count; k++) total += req.readUInt32LE(k * 12 + 8);
  const out = Buffer.alloc(count * 4 + total);
  const mem = s.memory;
  let at = count * 4;
  for (let k = 0; k < count; k++) {
    const group = req.readUInt32LE(k * 12);
    const offset = req.readUInt32LE(k * 12 + 4);
    const len = req.readUInt32LE(k * 12 + 8);
    let error = imageSpan(s, group, offset, len, false);
    if (error === NOT_IMAGE) {
      const r = serviceRead(s, port, group, offset, len);
      error = r.error;
      if (!error) r.data.copy(out, at, 0, Math.min(len, r.data.length));
    } else if (error === AdsError.OK) {
      copyBytes(mem, span[0]!, out, at, span[1]!);
      s.touchedRead = true;
    }
    out.writeUInt32LE(error, k * 4);
    at += len;
  }
  return ok(out);
}

// Sum write: request = n x (group, offset, length) then the data; response = n x result.
// Process-image sub-writes are copied straight from the request (no per-item slices).
function sumWrite(s: TargetState, count: number, req: Buffer): ServiceResult {
  if (count > MAX_SUM_COMMANDS) return fail(AdsError.INVALID_PARAM);
  if (req.length < count * 12) return fail(AdsError.INVALID_SIZE);
  const out = Buffer.alloc(count * 4);
  const mem = s.memory;
  let at = count * 12;
  for (let k = 0; k < count; k++) {
    const group = req.readUInt32LE(k * 12);
    const offset = req.readUInt32LE(k * 12 + 4);
    const len = req.readUInt32LE(k * 12 + 8);
    if (at + len > req.length) return fail(AdsError.INVALID_SIZE);
    let error = imageSpan(s, group, offset, len, true);
    if (error === NOT_IMAGE) error = serviceWrite(s, group, offset, req.subarray(at, at + len)).error;
    else if (error === AdsError.OK) {
      copyBytes(req, at, mem, span[0]!, len);
      markWritten(s, span[0]!, span[0]! + len);
    }
    out.writeUInt32LE(error, k * 4);
    at += len;
  }
  return ok(out);
}

// Sum read/write: request = n x (group, offset, readLen, writeLen) then the write data;
// response = n x (result, returned length), then the returned data back to back.
function sumReadWrite(s: TargetState, port: number, count: number, req: Buffer): ServiceResult {
  if (count > MAX_SUM_COMMANDS) return fail(AdsError.INVALID_PARAM);
  if (req.length < count * 16) return fail(AdsError.INVALID_SIZE);
  const heads = Buffer.alloc(count * 8);
  const datas: Buffer[] = [];
  let at = count * 16;
  for (let k = 0; k < count; k++) {
    const wlen = req.readUInt32LE(k * 16 + 12);
    if (at + wlen > req.length) return fail(AdsError.INVALID_SIZE);
    const r = serviceReadWrite(s, port, req.readUInt32LE(k * 16), req.readUInt32LE(k * 16 + 4), req.readUInt32LE(k * 16 + 8), req.subarray(at, at + wlen));
    at += wlen;
    heads.writeUInt32LE(r.error, k * 8);
    heads.writeUInt32LE(r.error ? 0 : r.data.length, k * 8 + 4);
    if (!r.error) datas.push(r.data);
  }
  return ok(Buffer.concat([heads, ...datas]));
}
