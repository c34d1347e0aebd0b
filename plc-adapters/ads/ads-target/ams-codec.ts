// AMS/TCP framing and the AMS header, as pure functions over Buffers (Beckhoff ADS spec:
// a 6-byte AMS/TCP header, then a 32-byte AMS header, then the ADS payload; little endian).
// The frame splitter is an explicit state machine in the ws receiver's style, so tests feed
// it bytes straight from hex fixtures with no socket.

/** AMS/TCP header: reserved/command (u16), length of what follows (u32). */
export const AMS_TCP_HEADER_LENGTH = 6;
export const AMS_HEADER_LENGTH = 32;
/** Frames larger than this are a protocol error, not a reason to buffer without bound. */
export const MAX_FRAME_LENGTH = 16 * 1024 * 1024;

/** AMS/TCP header commands: 0 carries an AMS packet; the others are router services. */
export const AmsTcpCommand = {
  AMS_CMD: 0x0000,
  PORT_CLOSE: 0x0001,
  PORT_CONNECT: 0x1000,
  ROUTER_NOTE: 0x1001,
  GET_LOCAL_NETID: 0x1002,
} as const;

export const AdsCommand = {
  ReadDeviceInfo: 1,
  Read: 2,
  Write: 3,
  ReadState: 4,
  WriteControl: 5,
  AddNotification: 6,
  DeleteNotification: 7,
  Notification: 8,
  ReadWrite: 9,
} as const;

/** AMS state flags: bit 0 = response, bit 2 = ADS command (TCP). */
export const STATE_FLAG_RESPONSE = 0x0001;
export const STATE_FLAG_ADS_COMMAND = 0x0004;

export interface AmsAddress {
  /** Six bytes, e.g. 127.0.0.1.1.1. */
  readonly netId: string;
  readonly port: number;
}

export interface AmsHeader {
  readonly target: AmsAddress;
  readonly source: AmsAddress;
  readonly command: number;
  readonly stateFlags: number;
  readonly dataLength: number;
  readonly errorCode: number;
  readonly invokeId: number;
}

/** One frame off the wire: the AMS/TCP command and what follows the 6-byte header. */
export interface AmsTcpFrame {
  readonly command: number;
  readonly body: Buffer;
}

export function netIdToBytes(netId: string, out: Buffer, at: number): void {
  const parts = netId.split('.');
  if (parts.length !== 6) throw new RangeError(`AMS NetId must have 6 parts: "${netId}"`);
  for (let k = 0; k < 6; k++) {
    const n = Number(parts[k]);
    if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`AMS NetId part out of range: "${netId}"`);
    out[at + k] = n;
  }
}

export function bytesToNetId(buf: Buffer, at: number): string {
  return `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}.${buf[at + 4]}.${buf[at + 5]}`;
}

export function decodeAmsHeader(buf: Buffer, at = 0): AmsHeader {
  if (buf.length - at < AMS_HEADER_LENGTH) throw new RangeError(`AMS header needs ${AMS_HEADER_LENGTH} bytes, got ${buf.length - at}`);
  return {
    target: { netId: bytesToNetId(buf, at), port: buf.readUInt16LE(at + 6) },
    source: { netId: bytesToNetId(buf, at + 8), port: buf.readUInt16LE(at + 14) },
    command: buf.readUInt16LE(at + 16),
    stateFlags: buf.readUInt16LE(at + 18),
    dataLength: buf.readUInt32LE(at + 20),
    errorCode: buf.readUInt32LE(at + 24),
    invokeId: buf.readUInt32LE(at + 28),
  };
}

/** A whole AMS/TCP frame (header + AMS header + payload) ready for the socket. */
export function encodeAmsPacket(header: AmsHeader, payload: Buffer): Buffer {
  const out = Buffer.alloc(AMS_TCP_HEADER_LENGTH + AMS_HEADER_LENGTH + payload.length);
  out.writeUInt16LE(AmsTcpCommand.AMS_CMD, 0);
  out.writeUInt32LE(AMS_HEADER_LENGTH + payload.length, 2);
  const h = AMS_TCP_HEADER_LENGTH;
  netIdToBytes(header.target.netId, out, h);
  out.writeUInt16LE(header.target.port, h + 6);
  netIdToBytes(header.source.netId, out, h + 8);
  out.writeUInt16LE(header.source.port, h + 14);
  out.writeUInt16LE(header.command, h + 16);
  out.writeUInt16LE(header.stateFlags, h + 18);
  out.writeUInt32LE(payload.length, h + 20);
  out.writeUInt32LE(header.errorCode, h + 24);
  out.writeUInt32LE(header.invokeId, h + 28);
  payload.copy(out, h + AMS_HEADER_LENGTH);
  return out;
}

/** The response header to a request: addresses swapped, response flag set, same invoke id. */
export function responseHeaderFor(req: AmsHeader, errorCode = 0): AmsHeader {
  return {
    target: req.source,
    source: req.target,
    command: req.command,
    stateFlags: STATE_FLAG_RESPONSE | STATE_FLAG_ADS_COMMAND,
    dataLength: 0,
    errorCode,
    invokeId: req.invokeId,
  };
}

/** A router-service frame (port connect reply: NetId + port). */
export function encodeRouterFrame(command: number, body: Buffer): Buffer {
  const out = Buffer.alloc(AMS_TCP_HEADER_LENGTH + body.length);
  out.writeUInt16LE(command, 0);
  out.writeUInt32LE(body.length, 2);
  body.copy(out, AMS_TCP_HEADER_LENGTH);
  return out;
}

const S_HEADER = 0;
const S_BODY = 1;

/**
 * Splits a TCP byte stream into AMS/TCP frames. States: S_HEADER (waiting for 6 bytes),
 * S_BODY (waiting for `length` bytes). Bytes may arrive in any chunking.
 */
export class AmsFrameSplitter {
  #state = S_HEADER;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #command = 0;
  #length = 0;

  /** Feed bytes; calls `onFrame` for each complete frame. @throws RangeError on an oversized frame. */
  push(data: Buffer, onFrame: (frame: AmsTcpFrame) => void): void {
    this.#chunks.push(data);
    this.#buffered += data.length;
    // Bounded: each pass consumes at least one header or body, or returns.
    for (;;) {
      if (this.#state === S_HEADER) {
        if (this.#buffered < AMS_TCP_HEADER_LENGTH) return;
        const head = this.#take(AMS_TCP_HEADER_LENGTH);
        this.#command = head.readUInt16LE(0);
        this.#length = head.readUInt32LE(2);
        if (this.#length > MAX_FRAME_LENGTH) throw new RangeError(`AMS/TCP frame of ${this.#length} bytes exceeds ${MAX_FRAME_LENGTH}`);
        this.#state = S_BODY;
      }
      if (this.#buffered < this.#length) return;
      const body = this.#take(this.#length);
      this.#state = S_HEADER;
      onFrame({ command: this.#command, body });
    }
  }

  #take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      this.#buffered -= n;
      return out;
    }
    const all = Buffer.concat(this.#chunks);
    const out = all.subarray(0, n);
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    this.#buffered -= n;
    return out;
  }
}
