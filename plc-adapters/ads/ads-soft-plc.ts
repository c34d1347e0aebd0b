// The soft PLC's ADS face: the program's process image as TwinCAT-style symbols
// (`MAIN.pe1_blocked : BOOL`, ints as DINT, reals as LREAL) served by our AMS/TCP target.
// The image is the authority: outputs are copied in before each read, and a client's writes
// are copied out to the image at once.

import type { ImageEntry } from '../sim/program.ts';
import type { ProcessImage, SoftPlcCounters, SoftPlcServer } from '../soft-plc/soft-plc-server.ts';
import { AdsTarget } from './ads-target/ads-target.ts';
import { SymbolTable, type AdsSymbol, type SymbolDef } from './ads-target/symbol-table.ts';
import { clampInteger, DEFAULT_PLC_TYPE } from './plc-types.ts';

/** TwinCAT's loopback NetId and the first PLC runtime's ADS port. */
export const SOFT_PLC_NET_ID = '127.0.0.1.1.1';
export const SOFT_PLC_ADS_PORT = 851;

/** `pe1.blocked` -> `MAIN.pe1_blocked`: IEC identifiers have no dots. */
export function symbolNameOf(entry: ImageEntry): string {
  // An ST program's variables keep their own names (SORTING.pe1), as TwinCAT publishes them.
  if (entry.symbol !== undefined) return entry.symbol;
  return `MAIN.${entry.address.replace(/[^A-Za-z0-9_]/g, '_')}`;
}

export class AdsSoftPlcServer implements SoftPlcServer {
  readonly protocol = 'ads';
  readonly counters: SoftPlcCounters & { requests: number } = { reads: 0, writes: 0, requests: 0 };
  #target: AdsTarget | undefined;

  addressOf(entry: ImageEntry, _side: 'input' | 'output'): string {
    return symbolNameOf(entry);
  }

  /** The running target (tests use it for online changes and link faults). */
  get target(): AdsTarget | undefined {
    return this.#target;
  }

  /** Endpoint form: `ads://HOST:TCPPORT/NETID:ADSPORT`. */
  async start(image: ProcessImage, options: { host?: string; port?: number }): Promise<{ endpoint: string }> {
    if (this.#target) throw new Error('ADS soft PLC server already started');
    this.#use(image);
    const target = new AdsTarget(this.#table!, {
      netId: SOFT_PLC_NET_ID,
      counters: this.counters,
      beforeRead: (memory) => this.#copyIn(memory),
      afterWrite: (memory, _table, from, to) => this.#copyOut(memory, from, to),
    });
    const host = options.host ?? '127.0.0.1';
    const port = await target.listen(options.port ?? 0, host);
    this.#target = target;
    return { endpoint: `ads://${host}:${port}/${SOFT_PLC_NET_ID}:${SOFT_PLC_ADS_PORT}` };
  }

  /**
   * A new program version while serving: an online change (`restart: false`; the symbol
   * version goes up, clients are notified) or an activated configuration (`restart: true`;
   * TwinCAT restarts, which clients see in the system state's restart index).
   */
  reload(image: ProcessImage, options: { restart?: boolean } = {}): void {
    const target = this.#target;
    if (!target) throw new Error('ADS soft PLC server not started');
    this.#use(image);
    if (options.restart) target.restartRuntime(this.#table!);
    else target.replaceSymbols(this.#table!);
  }

  #image: ProcessImage | undefined;
  #table: SymbolTable | undefined;
  #syms: readonly AdsSymbol[] = [];
  #inputs = 0;
  /**
   * What each symbol's bytes in the target's memory hold (NaN: unknown, e.g. after a reload
   * gave the target fresh memory): copy-in encodes only the symbols whose image value moved.
   * Every data request copies in first, so a 1,000-tag cycle must not re-encode 2,000 symbols.
   */
  #held = new Float64Array(0);
  #memory: Buffer | undefined;

  #use(image: ProcessImage): void {
    const io = image.program.io;
    const defs: SymbolDef[] = [...io.inputs, ...io.outputs].map((e) => ({ name: symbolNameOf(e), type: DEFAULT_PLC_TYPE[e.type] }));
    this.#table = new SymbolTable(defs);
    this.#syms = this.#table.symbols;
    this.#inputs = io.inputs.length;
    this.#image = image;
    this.#held = new Float64Array(this.#syms.length).fill(Number.NaN);
  }

  // The image is the authority: copied into the symbol memory before every data access...
  #copyIn(memory: Buffer): void {
    const image = this.#image!;
    const syms = this.#syms;
    const held = this.#held;
    if (memory !== this.#memory) {
      // A new process image buffer (replaceSymbols): nothing in it can be trusted.
      this.#memory = memory;
      held.fill(Number.NaN);
    }
    const nIn = this.#inputs;
    const inputs = image.inputs;
    const outputs = image.outputs;
    for (let k = 0; k < syms.length; k++) {
      const v = k < nIn ? inputs[k]! : outputs[k - nIn]!;
      if (v === held[k]) continue;
      const sym = syms[k]!;
      const x = clampInteger(sym.type, v);
      sym.type.write(memory, sym.indexOffset, x);
      // What the bytes now say (a clamped int, 1 for any true bool), so copy-out agrees.
      held[k] = v === x ? v : Number.NaN;
    }
  }

  // ...and copied back after a client wrote (only the symbols inside the written byte range:
  // a write changes only what it addressed).
  #copyOut(memory: Buffer, from: number, to: number): void {
    const image = this.#image!;
    const syms = this.#syms;
    const held = this.#held;
    const nIn = this.#inputs;
    for (let k = 0; k < syms.length; k++) {
      const sym = syms[k]!;
      if (sym.indexOffset + sym.size <= from || sym.indexOffset >= to) continue;
      const v = sym.type.read(memory, sym.indexOffset);
      if (k < nIn) image.inputs[k] = v;
      else image.outputs[k - nIn] = v;
      held[k] = v;
    }
  }

  async stop(): Promise<void> {
    const t = this.#target;
    this.#target = undefined;
    await t?.stop();
  }
}
