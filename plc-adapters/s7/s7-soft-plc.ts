// The soft PLC's S7 face: node-snap7's S7Server (independent C++ S7 protocol code) holding
// the program's process image in data blocks, plus plain I, Q and M areas.
// Layout, fixed per program: inputs (written by twinloop) in DB1, outputs (read by twinloop)
// in DB2; in declaration order, bools as consecutive bits, ints as DINT and reals as REAL,
// each on an even byte (S7 word alignment). S7 is big endian.
// Sync: outputs are copied into DB2 whenever they changed (after each scan of the runner, and
// every SYNC_MS for images changed without a runner, as in tests); client writes to DB1 are
// copied to the image on the server's data-write event.

import { createRequire } from 'node:module';
import type { S7Server, SrvEvent } from 'node-snap7';
import type { ImageEntry } from '../sim/program.ts';
import type { ProcessImage, SoftPlcCounters, SoftPlcServer } from '../soft-plc/soft-plc-server.ts';
import { freePort } from '../soft-plc/free-port.ts';

export const INPUT_DB = 1;
export const OUTPUT_DB = 2;
/** Size of the plain I, Q and M areas, bytes. */
export const PLAIN_AREA_BYTES = 256;
const SYNC_MS = 2;

/** Where one image entry lives in its DB. */
export interface DbSlot {
  readonly byte: number;
  readonly bit: number;
  readonly kind: 'bool' | 'int' | 'real';
}

/** The fixed layout of one side of the image (pure; the tests check it). */
export function layoutDb(entries: readonly ImageEntry[]): { slots: DbSlot[]; size: number } {
  const slots: DbSlot[] = [];
  let byte = 0;
  let bit = 0;
  for (const e of entries) {
    if (e.type === 'bool') {
      slots.push({ byte, bit, kind: 'bool' });
      bit++;
      if (bit === 8) {
        bit = 0;
        byte++;
      }
    } else {
      if (bit > 0) {
        bit = 0;
        byte++;
      }
      byte += byte & 1;
      slots.push({ byte, bit: 0, kind: e.type });
      byte += 4;
    }
  }
  if (bit > 0) byte++;
  return { slots, size: Math.max(2, byte + (byte & 1)) };
}

export function slotAddress(db: number, slot: DbSlot): string {
  if (slot.kind === 'bool') return `DB${db},X${slot.byte}.${slot.bit}`;
  return `DB${db},${slot.kind === 'int' ? 'DINT' : 'REAL'}${slot.byte}`;
}

function encode(slots: readonly DbSlot[], values: Float64Array, out: Buffer): void {
  out.fill(0);
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k]!;
    const v = values[k]!;
    if (s.kind === 'bool') {
      if (v) out[s.byte]! |= 1 << s.bit;
    } else if (s.kind === 'int') {
      out.writeInt32BE(Math.max(-2147483648, Math.min(2147483647, Math.trunc(v) || 0)), s.byte);
    } else {
      out.writeFloatBE(v, s.byte);
    }
  }
}

function decode(slots: readonly DbSlot[], buf: Buffer, values: Float64Array): void {
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k]!;
    values[k] = s.kind === 'bool' ? (buf[s.byte]! >> s.bit) & 1 : s.kind === 'int' ? buf.readInt32BE(s.byte) : buf.readFloatBE(s.byte);
  }
}

// node-snap7 keeps its event plumbing in process-wide statics: a second S7Server instance
// would re-initialise them under the first. So one native server per process, reused.
let native: S7Server | undefined;
let owner: S7SoftPlcServer | undefined;

/** node-snap7 is a devDependency (native build): loaded when a server starts, not on import. */
function nativeServer(): S7Server {
  if (!native) {
    const snap7 = createRequire(import.meta.url)('node-snap7') as { S7Server: new () => S7Server };
    native = new snap7.S7Server();
  }
  return native;
}

export class S7SoftPlcServer implements SoftPlcServer {
  readonly protocol = 's7';
  readonly counters: SoftPlcCounters = { reads: 0, writes: 0 };
  #image: ProcessImage | undefined;
  #inSlots: DbSlot[] = [];
  #outSlots: DbSlot[] = [];
  #inBuf = Buffer.alloc(0);
  #outBuf = Buffer.alloc(0);
  #outSent = Buffer.alloc(0);
  readonly #addresses = new Map<string, string>();
  #timer: NodeJS.Timeout | undefined;
  #port = 0;

  /** `DB1,X0.0` for the first bool input, `DB2,REAL2` ... (after start(): the layout is per program). */
  addressOf(entry: ImageEntry, side: 'input' | 'output'): string {
    const a = this.#addresses.get(`${side}:${entry.address}`);
    if (!a) throw new Error(`S7 soft PLC: no ${side} ${entry.address} (start() lays out the program's image first)`);
    return a;
  }

  /** The DB layout of a program without starting a server (what a plant file generator needs). */
  static layout(image: Pick<ProcessImage, 'program'>): { inputs: string[]; outputs: string[] } {
    const io = image.program.io;
    return {
      inputs: layoutDb(io.inputs).slots.map((s) => slotAddress(INPUT_DB, s)),
      outputs: layoutDb(io.outputs).slots.map((s) => slotAddress(OUTPUT_DB, s)),
    };
  }

  get port(): number {
    return this.#port;
  }

  /** Endpoint form: `s7://HOST:PORT?rack=0&slot=1`. */
  async start(image: ProcessImage, options: { host?: string; port?: number }): Promise<{ endpoint: string }> {
    if (owner) throw new Error('an S7 soft PLC server is already running in this process (node-snap7 allows one)');
    const host = options.host ?? '127.0.0.1';
    const port = options.port || (await freePort(host));
    const srv = nativeServer();
    const io = image.program.io;
    const inL = layoutDb(io.inputs);
    const outL = layoutDb(io.outputs);
    this.#image = image;
    this.#inSlots = inL.slots;
    this.#outSlots = outL.slots;
    this.#inBuf = Buffer.alloc(inL.size);
    this.#outBuf = Buffer.alloc(outL.size);
    this.#outSent = Buffer.alloc(outL.size);
    this.#addresses.clear();
    io.inputs.forEach((e, k) => this.#addresses.set(`input:${e.address}`, slotAddress(INPUT_DB, inL.slots[k]!)));
    io.outputs.forEach((e, k) => this.#addresses.set(`output:${e.address}`, slotAddress(OUTPUT_DB, outL.slots[k]!)));
    encode(this.#inSlots, image.inputs, this.#inBuf);
    encode(this.#outSlots, image.outputs, this.#outBuf);
    this.#outBuf.copy(this.#outSent);
    const ok =
      srv.RegisterArea(srv.srvAreaDB, INPUT_DB, this.#inBuf) &&
      srv.RegisterArea(srv.srvAreaDB, OUTPUT_DB, this.#outBuf) &&
      srv.RegisterArea(srv.srvAreaPE, Buffer.alloc(PLAIN_AREA_BYTES)) &&
      srv.RegisterArea(srv.srvAreaPA, Buffer.alloc(PLAIN_AREA_BYTES)) &&
      srv.RegisterArea(srv.srvAreaMK, Buffer.alloc(PLAIN_AREA_BYTES));
    if (!ok) {
      this.#unregister(srv);
      throw new Error('S7 soft PLC: registering the DB/I/Q/M areas failed');
    }
    // Only data events: the others (PDU incoming, ...) would cost a JS call per packet.
    srv.SetEventMask(srv.evcDataRead | srv.evcDataWrite);
    srv.removeAllListeners('event');
    srv.on('event', (e: SrvEvent) => this.#onEvent(e));
    srv.SetParam(srv.LocalPort, port);
    const started = await new Promise<number | null>((resolve) => srv.StartTo(host, (err) => resolve(err)));
    if (started) {
      this.#unregister(srv);
      throw new Error(`S7 soft PLC: cannot listen on ${host}:${port}: ${srv.ErrorText(started)}`);
    }
    owner = this;
    this.#port = port;
    this.#timer = setInterval(() => this.sync(), SYNC_MS);
    return { endpoint: `s7://${host}:${port}?rack=0&slot=1` };
  }

  /** The runner latched new outputs: publish them now rather than at the next timer tick. */
  afterScan(): void {
    this.sync();
  }

  /** Copy changed outputs into DB2 now (the timer does this every SYNC_MS). */
  sync(): void {
    const srv = native;
    const image = this.#image;
    if (!srv || !image || owner !== this) return;
    encode(this.#outSlots, image.outputs, this.#outBuf);
    if (this.#outBuf.equals(this.#outSent)) return;
    this.#outBuf.copy(this.#outSent);
    srv.SetArea(srv.srvAreaDB, OUTPUT_DB, this.#outBuf);
  }

  /** The plain I, Q or M area's bytes (tests poke them; the program image lives in the DBs). */
  getArea(area: 'I' | 'Q' | 'M'): Buffer {
    const srv = this.#native();
    return srv.GetArea(this.#areaCode(srv, area));
  }

  setArea(area: 'I' | 'Q' | 'M', bytes: Buffer): void {
    const srv = this.#native();
    // Non-DB areas take no index argument in node-snap7.
    const full = Buffer.alloc(PLAIN_AREA_BYTES);
    bytes.copy(full, 0, 0, Math.min(bytes.length, PLAIN_AREA_BYTES));
    srv.SetArea(this.#areaCode(srv, area), full);
  }

  #areaCode(srv: S7Server, area: 'I' | 'Q' | 'M'): number {
    return area === 'I' ? srv.srvAreaPE : area === 'Q' ? srv.srvAreaPA : srv.srvAreaMK;
  }

  #native(): S7Server {
    if (!native || owner !== this) throw new Error('S7 soft PLC server not started');
    return native;
  }

  #onEvent(e: SrvEvent): void {
    const srv = native;
    if (!srv || owner !== this) return;
    if (e.EvtCode === srv.evcDataRead) this.counters.reads++;
    else if (e.EvtCode === srv.evcDataWrite) {
      this.counters.writes++;
      // One event per written item: copy DB1 out once per burst, not once per item.
      if (!this.#decodePending) {
        this.#decodePending = true;
        setImmediate(() => this.#decodeInputs());
      }
    }
  }

  #decodePending = false;

  #decodeInputs(): void {
    this.#decodePending = false;
    const srv = native;
    if (!srv || owner !== this) return;
    decode(this.#inSlots, srv.GetArea(srv.srvAreaDB, INPUT_DB), this.#image!.inputs);
  }

  /** Stop listening and drop every client (what a PLC switched off looks like). */
  async stop(): Promise<void> {
    if (owner !== this || !native) return;
    const srv = native;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await new Promise<void>((resolve) => srv.Stop(() => resolve()));
    this.#unregister(srv);
    srv.removeAllListeners('event');
    owner = undefined;
  }

  #unregister(srv: S7Server): void {
    srv.UnregisterArea(srv.srvAreaDB, INPUT_DB);
    srv.UnregisterArea(srv.srvAreaDB, OUTPUT_DB);
    srv.UnregisterArea(srv.srvAreaPE);
    srv.UnregisterArea(srv.srvAreaPA);
    srv.UnregisterArea(srv.srvAreaMK);
  }
}
