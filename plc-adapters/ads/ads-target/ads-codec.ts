// ADS command payloads (what follows the AMS header), decoded and encoded as pure functions.
// Layouts per the Beckhoff ADS specification; every integer is little endian.

/** ADS return codes the target uses (values as in the spec; ads-client maps them to text). */
export const AdsError = {
  OK: 0,
  SERVICE_NOT_SUPPORTED: 0x701,
  INVALID_INDEX_GROUP: 0x702,
  INVALID_INDEX_OFFSET: 0x703,
  INVALID_SIZE: 0x705,
  INVALID_DATA: 0x706,
  INVALID_PARAM: 0x70b,
  SYMBOL_NOT_FOUND: 0x710,
  SYMBOL_VERSION_INVALID: 0x711,
  NOTIFY_HANDLE_INVALID: 0x714,
} as const;

/** ADS states (ReadState / WriteControl). */
export const AdsState = { Invalid: 0, Idle: 1, Reset: 2, Init: 3, Start: 4, Run: 5, Stop: 6, Config: 15, Reconfig: 16 } as const;

/** Notification transmission modes (AddNotification). */
export const TransMode = { None: 0, ClientCycle: 1, ClientOnChange: 2, Cyclic: 3, OnChange: 4 } as const;

export interface ReadRequest {
  readonly indexGroup: number;
  readonly indexOffset: number;
  readonly length: number;
}
export interface WriteRequest {
  readonly indexGroup: number;
  readonly indexOffset: number;
  readonly data: Buffer;
}
export interface ReadWriteRequest {
  readonly indexGroup: number;
  readonly indexOffset: number;
  readonly readLength: number;
  readonly data: Buffer;
}
export interface AddNotificationRequest {
  readonly indexGroup: number;
  readonly indexOffset: number;
  readonly length: number;
  readonly transMode: number;
  /** In 100 ns units, as on the wire. */
  readonly maxDelay: number;
  readonly cycleTime: number;
}
export interface WriteControlRequest {
  readonly adsState: number;
  readonly deviceState: number;
  readonly data: Buffer;
}

function need(buf: Buffer, n: number, what: string): void {
  if (buf.length < n) throw new RangeError(`${what} needs ${n} bytes, got ${buf.length}`);
}

export function decodeRead(p: Buffer): ReadRequest {
  need(p, 12, 'Read request');
  return { indexGroup: p.readUInt32LE(0), indexOffset: p.readUInt32LE(4), length: p.readUInt32LE(8) };
}

export function decodeWrite(p: Buffer): WriteRequest {
  need(p, 12, 'Write request');
  const length = p.readUInt32LE(8);
  need(p, 12 + length, 'Write request data');
  return { indexGroup: p.readUInt32LE(0), indexOffset: p.readUInt32LE(4), data: p.subarray(12, 12 + length) };
}

export function decodeReadWrite(p: Buffer): ReadWriteRequest {
  need(p, 16, 'ReadWrite request');
  const writeLength = p.readUInt32LE(12);
  need(p, 16 + writeLength, 'ReadWrite request data');
  return { indexGroup: p.readUInt32LE(0), indexOffset: p.readUInt32LE(4), readLength: p.readUInt32LE(8), data: p.subarray(16, 16 + writeLength) };
}

export function decodeAddNotification(p: Buffer): AddNotificationRequest {
  need(p, 24, 'AddNotification request'); // + 16 reserved bytes, which some clients omit
  return {
    indexGroup: p.readUInt32LE(0),
    indexOffset: p.readUInt32LE(4),
    length: p.readUInt32LE(8),
    transMode: p.readUInt32LE(12),
    maxDelay: p.readUInt32LE(16),
    cycleTime: p.readUInt32LE(20),
  };
}

export function decodeDeleteNotification(p: Buffer): number {
  need(p, 4, 'DeleteNotification request');
  return p.readUInt32LE(0);
}

export function decodeWriteControl(p: Buffer): WriteControlRequest {
  need(p, 8, 'WriteControl request');
  const length = p.readUInt32LE(4);
  need(p, 8 + length, 'WriteControl request data');
  return { adsState: p.readUInt16LE(0), deviceState: p.readUInt16LE(2), data: p.subarray(8, 8 + length) };
}

/** Result only (Write, WriteControl, DeleteNotification, and any failed command). */
export function encodeResult(result: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32LE(result, 0);
  return out;
}

/** Read and ReadWrite responses: result, length, data. */
export function encodeDataResponse(result: number, data: Buffer): Buffer {
  const out = Buffer.alloc(8 + data.length);
  out.writeUInt32LE(result, 0);
  out.writeUInt32LE(data.length, 4);
  data.copy(out, 8);
  return out;
}

export function encodeDeviceInfo(major: number, minor: number, build: number, name: string): Buffer {
  const out = Buffer.alloc(24);
  out.writeUInt8(major, 4);
  out.writeUInt8(minor, 5);
  out.writeUInt16LE(build, 6);
  out.write(name.slice(0, 15), 8, 'latin1'); // 16 bytes, zero terminated
  return out;
}

export function encodeReadState(adsState: number, deviceState: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt16LE(adsState, 4);
  out.writeUInt16LE(deviceState, 6);
  return out;
}

export function encodeAddNotificationResponse(result: number, handle: number): Buffer {
  const out = Buffer.alloc(8);
  out.writeUInt32LE(result, 0);
  out.writeUInt32LE(handle, 4);
  return out;
}

export interface NotificationSample {
  readonly handle: number;
  readonly data: Buffer;
}

/** Milliseconds since 1970 -> Windows FILETIME (100 ns since 1601), as two u32 halves. */
export function writeFileTime(out: Buffer, at: number, epochMs: number): void {
  const ticks = BigInt(Math.round(epochMs)) * 10000n + 116444736000000000n;
  out.writeBigUInt64LE(ticks, at);
}

/** A device notification (server -> client): one stamp with its samples. */
export function encodeNotification(epochMs: number, samples: readonly NotificationSample[]): Buffer {
  let size = 4 + 8 + 4;
  for (const s of samples) size += 8 + s.data.length;
  const out = Buffer.alloc(4 + size);
  out.writeUInt32LE(size, 0);
  out.writeUInt32LE(1, 4); // stamps
  writeFileTime(out, 8, epochMs);
  out.writeUInt32LE(samples.length, 16);
  let at = 20;
  for (const s of samples) {
    out.writeUInt32LE(s.handle, at);
    out.writeUInt32LE(s.data.length, at + 4);
    s.data.copy(out, at + 8);
    at += 8 + s.data.length;
  }
  return out;
}
