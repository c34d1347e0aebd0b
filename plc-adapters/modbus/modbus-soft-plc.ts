// The soft PLC's Modbus TCP face: modbus-serial's ServerTCP serving the program's process image
// from a coil table and a holding-register table (any unit id).
// Layout, fixed per program, in declaration order:
//   outputs (read by twinloop):   bools -> coils from 0,    ints/reals -> holding registers from 0
//   inputs  (written by twinloop): bools -> coils from 1000, ints/reals -> holding registers from 1000
// ints as INT32 and reals as FLOAT32, two registers each, big endian (ABCD); inputs are coils and
// holding registers because a Modbus client cannot write discrete inputs or input registers.
// Outputs are encoded into the tables after each scan; client writes are decoded into the
// input image at once (a 32-bit value written by one FC16 lands whole).

import type { Socket } from 'node:net';
import ModbusSerial from 'modbus-serial';
import type { ImageEntry } from '../sim/program.ts';
import type { ProcessImage, SoftPlcCounters, SoftPlcServer } from '../soft-plc/soft-plc-server.ts';
import { decodeRegisters, encodeRegisters } from './modbus-codec.ts';
import { freePort } from '../soft-plc/free-port.ts';

export const INPUT_BASE = 1000;
/** Coils and holding registers served (the rest answer ILLEGAL DATA ADDRESS). */
export const TABLE_SIZE = 8192;

/** Where one image entry lives. */
export interface ModbusSlot {
  readonly table: 'coil' | 'hr';
  readonly offset: number;
  readonly kind: 'bool' | 'int' | 'real';
}

/** The fixed layout of one side of the image (pure; the tests and plant files rely on it). */
export function layoutModbus(entries: readonly ImageEntry[], base: number): ModbusSlot[] {
  let coil = base;
  let reg = base;
  return entries.map((e) => {
    if (e.type === 'bool') return { table: 'coil', offset: coil++, kind: 'bool' };
    const slot: ModbusSlot = { table: 'hr', offset: reg, kind: e.type };
    reg += 2;
    return slot;
  });
}

export function slotAddress(s: ModbusSlot): string {
  return `${s.table}:${s.offset}`;
}

const INT32 = { type: 'INT32', words: 2, wordOrder: 'big', byteOrder: 'big' } as const;
const FLOAT32 = { type: 'FLOAT32', words: 2, wordOrder: 'big', byteOrder: 'big' } as const;

/** A Modbus exception for modbus-serial's server (it answers with this code). */
const illegalAddress = (): { modbusErrorCode: number; msg: string } => ({ modbusErrorCode: 2, msg: 'address outside the soft PLC tables' });

export class ModbusSoftPlcServer implements SoftPlcServer {
  readonly protocol = 'modbus';
  readonly counters: SoftPlcCounters = { reads: 0, writes: 0 };
  readonly coils = new Uint8Array(TABLE_SIZE);
  /** Holding registers as on the wire: big-endian words. */
  readonly registers = Buffer.alloc(2 * TABLE_SIZE);
  #image: ProcessImage | undefined;
  #inSlots: ModbusSlot[] = [];
  #outSlots: ModbusSlot[] = [];
  /** Coil or register offset -> input image index, for decoding client writes. */
  readonly #inputAt = new Map<string, number>();
  readonly #addresses = new Map<string, string>();
  #server: InstanceType<typeof ModbusSerial.ServerTCP> | undefined;
  #port = 0;

  addressOf(entry: ImageEntry, side: 'input' | 'output'): string {
    const a = this.#addresses.get(`${side}:${entry.address}`);
    if (!a) throw new Error(`Modbus soft PLC: no ${side} ${entry.address} (start() lays out the program's image first)`);
    return a;
  }

  /** The layout of a program without starting a server (what a plant file generator needs). */
  static layout(image: Pick<ProcessImage, 'program'>): { inputs: string[]; outputs: string[] } {
    const io = image.program.io;
    return { inputs: layoutModbus(io.inputs, INPUT_BASE).map(slotAddress), outputs: layoutModbus(io.outputs, 0).map(slotAddress) };
  }

  get port(): number {
    return this.#port;
  }

  /** Endpoint form: `modbus://HOST:PORT?unit=1`. */
  async start(image: ProcessImage, options: { host?: string; port?: number }): Promise<{ endpoint: string }> {
    if (this.#server) throw new Error('Modbus soft PLC: already started');
    const host = options.host ?? '127.0.0.1';
    const port = options.port || (await freePort(host));
    const io = image.program.io;
    this.#image = image;
    this.#inSlots = layoutModbus(io.inputs, INPUT_BASE);
    this.#outSlots = layoutModbus(io.outputs, 0);
    const last = [...this.#inSlots, ...this.#outSlots].reduce((m, s) => Math.max(m, s.offset + 2), 0);
    if (last > TABLE_SIZE) throw new Error(`Modbus soft PLC: the program's image needs ${last} registers; the tables hold ${TABLE_SIZE}`);
    this.#addresses.clear();
    this.#inputAt.clear();
    io.inputs.forEach((e, k) => {
      const s = this.#inSlots[k]!;
      this.#addresses.set(`input:${e.address}`, slotAddress(s));
      this.#inputAt.set(`${s.table}:${s.offset}`, k);
      if (s.table === 'hr') this.#inputAt.set(`hr:${s.offset + 1}`, k);
    });
    io.outputs.forEach((e, k) => this.#addresses.set(`output:${e.address}`, slotAddress(this.#outSlots[k]!)));
    for (let k = 0; k < this.#inSlots.length; k++) this.#encode(this.#inSlots[k]!, image.inputs[k]!);
    this.afterScan();
    const server = new ModbusSerial.ServerTCP(this.#vector(), { host, port, unitID: 255 });
    server.on('error', () => undefined); // a failed request is answered with an exception; nothing to crash on
    server.on('socketError', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.once('initialized', () => resolve());
      server.once('serverError', (err: unknown) => reject(new Error(`Modbus soft PLC: cannot listen on ${host}:${port}: ${String(err)}`)));
    });
    this.#server = server;
    this.#port = port;
    return { endpoint: `modbus://${host}:${port}?unit=1` };
  }

  #vector(): ConstructorParameters<typeof ModbusSerial.ServerTCP>[0] {
    const inRange = (addr: number, n = 1): boolean => addr >= 0 && addr + n <= TABLE_SIZE;
    return {
      getCoil: (addr: number): boolean => {
        if (!inRange(addr)) throw illegalAddress();
        return this.coils[addr] === 1;
      },
      getHoldingRegister: (addr: number): number => {
        if (!inRange(addr)) throw illegalAddress();
        return this.registers.readUInt16BE(2 * addr);
      },
      getMultipleHoldingRegisters: (addr: number, length: number): number[] => {
        if (!inRange(addr, length)) throw illegalAddress();
        this.counters.reads++;
        const out = new Array<number>(length);
        for (let i = 0; i < length; i++) out[i] = this.registers.readUInt16BE(2 * (addr + i));
        return out;
      },
      setCoil: (addr: number, value: boolean): void => {
        if (!inRange(addr)) throw illegalAddress();
        this.counters.writes++;
        this.coils[addr] = value ? 1 : 0;
        this.#decodeAt('coil', addr);
      },
      setRegister: (addr: number, value: number): void => {
        if (!inRange(addr)) throw illegalAddress();
        this.counters.writes++;
        this.registers.writeUInt16BE(value & 0xffff, 2 * addr);
        this.#decodeAt('hr', addr);
      },
      setRegisterArray: (addr: number, values: number[]): void => {
        if (!inRange(addr, values.length)) throw illegalAddress();
        this.counters.writes++;
        for (let i = 0; i < values.length; i++) this.registers.writeUInt16BE(values[i]! & 0xffff, 2 * (addr + i));
        for (let i = 0; i < values.length; i++) this.#decodeAt('hr', addr + i);
      },
    };
  }

  /** A client wrote this coil or register: update the input it belongs to, if any. */
  #decodeAt(table: 'coil' | 'hr', offset: number): void {
    const image = this.#image;
    const k = this.#inputAt.get(`${table}:${offset}`);
    if (!image || k === undefined) return;
    const s = this.#inSlots[k]!;
    image.inputs[k] = s.kind === 'bool' ? this.coils[s.offset]! : decodeRegisters(this.registers, 2 * s.offset, s.kind === 'int' ? INT32 : FLOAT32);
  }

  #encode(s: ModbusSlot, v: number): void {
    if (s.kind === 'bool') this.coils[s.offset] = v !== 0 ? 1 : 0;
    else encodeRegisters(this.registers, 2 * s.offset, s.kind === 'int' ? INT32 : FLOAT32, v);
  }

  /** The runner latched new outputs: copy them into the tables. */
  afterScan(): void {
    const image = this.#image;
    if (!image) return;
    const slots = this.#outSlots;
    for (let k = 0; k < slots.length; k++) this.#encode(slots[k]!, image.outputs[k]!);
  }

  /** Stop listening and drop every client (what a PLC switched off looks like). */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const sock of server.socks.keys()) (sock as Socket).destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
