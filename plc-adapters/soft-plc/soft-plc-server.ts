// A soft PLC exposes a built-in control program's process image over a real protocol, so the
// demo (and the tests) can run twinloop against it through the wire. Each protocol's server
// (OPC UA via node-opcua, S7 via node-snap7's S7Server, ADS via our own AMS/TCP target)
// implements this interface; the soft PLC runner scans the program and owns the image.

import type { ControlProgram, ImageEntry } from '../sim/program.ts';

/** The program's I/O as the protocol server sees it. Index = position in program.io. */
export interface ProcessImage {
  readonly program: ControlProgram;
  /** Controller inputs: written by protocol clients (twinloop writes the model's sensors here). */
  readonly inputs: Float64Array;
  /** Controller outputs: read by protocol clients (the model's actuators). */
  readonly outputs: Float64Array;
}

/** Requests a server has answered, for tests (e.g. "zero writes in shadow mode"). */
export interface SoftPlcCounters {
  reads: number;
  writes: number;
}

export interface SoftPlcServer {
  readonly protocol: string;
  readonly counters: SoftPlcCounters;
  /**
   * The address a client of this protocol uses for an image entry: what a plant file maps to a
   * signal (e.g. `ns=1;s=pe1.blocked`, `DB1,X0.0`, `MAIN.pe1_blocked`).
   */
  addressOf(entry: ImageEntry, side: 'input' | 'output'): string;
  /** Start serving the image on 127.0.0.1 (port 0 = any free port); resolves with the endpoint URL. */
  start(image: ProcessImage, options: { host?: string; port?: number }): Promise<{ endpoint: string }>;
  stop(): Promise<void>;
  /** Called by the runner after each scan (outputs latched); optional, e.g. to push changes. */
  afterScan?(): void;
  /** Stop and remove what start() created on disk (temp PKI, ...); optional. */
  dispose?(): Promise<void>;
}
