// An AMS/TCP target that answers what a TwinCAT 3 PLC runtime (port 851) and its system
// service (port 10000) answer to ADS clients such as ads-client: device info and state,
// read/write by index group and offset, symbol and data type upload, handles, sum commands,
// device notifications (with the symbol-version notification clients use to detect an
// online change). It also acts as the router for clients that register a port.
// No TwinCAT is installable here; this is written to the ADS spec and checked in the tests
// by the third-party ads-client.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  AdsCommand,
  AmsFrameSplitter,
  AmsTcpCommand,
  decodeAmsHeader,
  encodeAmsPacket,
  encodeRouterFrame,
  netIdToBytes,
  responseHeaderFor,
  STATE_FLAG_ADS_COMMAND,
  AMS_HEADER_LENGTH,
  type AmsAddress,
  type AmsHeader,
} from './ams-codec.ts';
import {
  AdsError,
  AdsState,
  decodeAddNotification,
  decodeDeleteNotification,
  decodeRead,
  decodeReadWrite,
  decodeWrite,
  decodeWriteControl,
  encodeAddNotificationResponse,
  encodeDataResponse,
  encodeDeviceInfo,
  encodeNotification,
  encodeReadState,
  encodeResult,
  TransMode,
  type NotificationSample,
} from './ads-codec.ts';
import { IndexGroup, serviceRead, serviceReadWrite, serviceWrite, type TargetState } from './ads-services.ts';
import type { SymbolTable } from './symbol-table.ts';

export interface AdsTargetOptions {
  /** The target's AMS NetId (default 127.0.0.1.1.1). */
  readonly netId?: string;
  readonly deviceName?: string;
  /** Counters to add to (a soft PLC keeps one set across restarts of its target). */
  readonly counters?: { reads: number; writes: number; requests: number };
  /** Called before the process image is read (a soft PLC copies its outputs in here). */
  readonly beforeRead?: (memory: Buffer, table: SymbolTable) => void;
  /**
   * Called after a client wrote into the process image; `from`..`to` (exclusive) is the byte
   * range the request wrote (a sum write of scattered symbols spans from the first to the last).
   */
  readonly afterWrite?: (memory: Buffer, table: SymbolTable, from: number, to: number) => void;
}

interface Notification {
  readonly handle: number;
  /** The client's AMS address (notifications go there) and the address it subscribed at. */
  readonly client: AmsAddress;
  readonly source: AmsAddress;
  readonly group: number;
  readonly offset: number;
  readonly length: number;
  readonly cyclic: boolean;
  readonly cycleMs: number;
  dueAt: number;
  last: Buffer | undefined;
}

interface Connection {
  readonly socket: Socket;
  readonly splitter: AmsFrameSplitter;
  readonly notifications: Map<number, Notification>;
}

/** Shortest notification check period: finer cycle times are served at this grid. */
const MIN_SCAN_MS = 1;

export class AdsTarget {
  readonly netId: string;
  readonly counters: { reads: number; writes: number; requests: number };
  readonly #options: AdsTargetOptions;
  readonly #state: TargetState;
  readonly #connections = new Set<Connection>();
  #server: Server | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #nextNotification = 1;
  #nextClientPort = 32905;
  #paused = false;

  constructor(table: SymbolTable, options: AdsTargetOptions = {}) {
    this.netId = options.netId ?? '127.0.0.1.1.1';
    netIdToBytes(this.netId, Buffer.alloc(6), 0); // validate now, not on the first reply
    this.#options = options;
    this.counters = options.counters ?? { reads: 0, writes: 0, requests: 0 };
    this.#state = {
      table,
      memory: Buffer.alloc(table.memorySize),
      symbolVersion: 1,
      adsState: AdsState.Run,
      restartIndex: 0,
      handles: new Map(),
      nextHandle: 0x1000,
      touchedRead: false,
      touchedWrite: false,
      writtenLo: undefined,
      writtenHi: undefined,
    };
  }

  get table(): SymbolTable {
    return this.#state.table;
  }

  /** The process image bytes (index group 0x4020). */
  get memory(): Buffer {
    return this.#state.memory;
  }

  get symbolVersion(): number {
    return this.#state.symbolVersion;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Listen on `host:port` (port 0 = any free port). */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return (server.address() as AddressInfo).port;
  }

  /** Close the listener and drop every client at once (what a crashed PLC looks like). */
  async stop(): Promise<void> {
    if (this.#scanTimer) clearInterval(this.#scanTimer);
    this.#scanTimer = undefined;
    for (const c of this.#connections) c.socket.destroy();
    this.#connections.clear();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Stop answering (a hung runtime or a cable pulled without a FIN): requests go unanswered. */
  setPaused(paused: boolean): void {
    this.#paused = paused;
  }

  /**
   * An online change / activated configuration: a new symbol table (symbols may move), a new
   * symbol version, old handles invalid; clients holding a symbol-version notification are told.
   */
  replaceSymbols(table: SymbolTable): void {
    const s = this.#state;
    s.table = table;
    s.memory = Buffer.alloc(table.memorySize);
    s.symbolVersion = (s.symbolVersion + 1) & 0xff;
    s.handles.clear();
    // Data notifications on the old layout stay registered, as TwinCAT keeps them; clients
    // re-subscribe when they see the version change.
    this.#scan(Date.now(), true);
  }

  /**
   * A TwinCAT restart (configuration activated, or run mode re-entered): new symbols and a new
   * restart index in the system service's extended state, which clients poll to notice it.
   */
  restartRuntime(table: SymbolTable): void {
    this.#state.restartIndex = (this.#state.restartIndex + 1) & 0xffff;
    this.replaceSymbols(table);
  }

  #accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Connection = { socket, splitter: new AmsFrameSplitter(), notifications: new Map() };
    this.#connections.add(conn);
    socket.on('data', (data) => {
      // Requests that arrive together (a client's sum reads of 500 sent back to back) are
      // answered in one socket write: on loopback the write syscall costs more than the work.
      socket.cork();
      try {
        conn.splitter.push(data, (frame) => this.#onFrame(conn, frame.command, frame.body));
      } catch {
        socket.destroy(); // a malformed stream cannot be resynchronised
      } finally {
        if (!socket.destroyed) socket.uncork();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#connections.delete(conn);
      this.#updateScanTimer();
    });
  }

  #onFrame(conn: Connection, command: number, body: Buffer): void {
    if (this.#paused) return;
    switch (command) {
      case AmsTcpCommand.AMS_CMD:
        if (body.length >= AMS_HEADER_LENGTH) this.#onAmsPacket(conn, decodeAmsHeader(body), body.subarray(AMS_HEADER_LENGTH));
        return;
      case AmsTcpCommand.PORT_CONNECT: {
        // Router service: assign the client an AMS address (our NetId, a fresh port).
        const reply = Buffer.alloc(8);
        netIdToBytes(this.netId, reply, 0);
        const requested = body.length >= 2 ? body.readUInt16LE(0) : 0;
        reply.writeUInt16LE(requested || this.#nextClientPort++, 6);
        conn.socket.write(encodeRouterFrame(AmsTcpCommand.PORT_CONNECT, reply));
        return;
      }
      case AmsTcpCommand.PORT_CLOSE:
        conn.socket.end();
        return;
      case AmsTcpCommand.GET_LOCAL_NETID: {
        const reply = Buffer.alloc(6);
        netIdToBytes(this.netId, reply, 0);
        conn.socket.write(encodeRouterFrame(AmsTcpCommand.GET_LOCAL_NETID, reply));
        return;
      }
      default:
        return; // unknown router services are ignored, as a router does
    }
  }

  #onAmsPacket(conn: Connection, req: AmsHeader, payload: Buffer): void {
    if ((req.stateFlags & 1) !== 0) return; // a response from the client (none expected)
    this.counters.requests++;
    let reply: Buffer;
    try {
      reply = this.#dispatch(conn, req, payload);
    } catch {
      // Payload shorter than its command needs.
      reply = encodeResult(AdsError.INVALID_SIZE);
    }
    const s = this.#state;
    if (s.touchedRead) this.counters.reads++;
    if (s.touchedWrite) {
      this.counters.writes++;
      this.#options.afterWrite?.(s.memory, s.table, s.writtenLo ?? 0, s.writtenHi ?? s.memory.length);
    }
    s.touchedRead = false;
    s.touchedWrite = false;
    s.writtenLo = undefined;
    s.writtenHi = undefined;
    if (!conn.socket.destroyed) conn.socket.write(encodeAmsPacket(responseHeaderFor(req), reply));
  }

  #dispatch(conn: Connection, req: AmsHeader, p: Buffer): Buffer {
    const s = this.#state;
    switch (req.command) {
      case AdsCommand.ReadDeviceInfo:
        return encodeDeviceInfo(3, 1, 4026, this.#options.deviceName ?? 'Plc30 App');
      case AdsCommand.ReadState:
        return encodeReadState(s.adsState, 0);
      case AdsCommand.Read: {
        const r = decodeRead(p);
        this.#prepareRead(r.indexGroup);
        const res = serviceRead(s, req.target.port, r.indexGroup, r.indexOffset, r.length);
        return encodeDataResponse(res.error, res.data);
      }
      case AdsCommand.Write: {
        const w = decodeWrite(p);
        this.#prepareRead(w.indexGroup);
        return encodeResult(serviceWrite(s, w.indexGroup, w.indexOffset, w.data).error);
      }
      case AdsCommand.ReadWrite: {
        const rw = decodeReadWrite(p);
        this.#prepareRead(rw.indexGroup);
        const res = serviceReadWrite(s, req.target.port, rw.indexGroup, rw.indexOffset, rw.readLength, rw.data);
        return encodeDataResponse(res.error, res.data);
      }
      case AdsCommand.WriteControl: {
        const wc = decodeWriteControl(p);
        if (wc.adsState === AdsState.Run || wc.adsState === AdsState.Stop || wc.adsState === AdsState.Reset) {
          s.adsState = wc.adsState === AdsState.Reset ? AdsState.Stop : wc.adsState;
          return encodeResult(AdsError.OK);
        }
        return encodeResult(AdsError.SERVICE_NOT_SUPPORTED);
      }
      case AdsCommand.AddNotification:
        return this.#addNotification(conn, req, p);
      case AdsCommand.DeleteNotification: {
        const handle = decodeDeleteNotification(p);
        const found = conn.notifications.delete(handle);
        this.#updateScanTimer();
        return encodeResult(found ? AdsError.OK : AdsError.NOTIFY_HANDLE_INVALID);
      }
      default:
        return encodeResult(AdsError.SERVICE_NOT_SUPPORTED);
    }
  }

  /**
   * Data accesses first get the soft PLC's current image copied in: reads see the latest
   * outputs, and a write then changes only what it addresses (afterWrite copies all back).
   */
  #prepareRead(group: number): void {
    if (group === IndexGroup.PLC_MEMORY || group === IndexGroup.SYM_VALBYHND || group === IndexGroup.SUMUP_READ || group === IndexGroup.SUMUP_WRITE || group === IndexGroup.SUMUP_READWRITE) {
      this.#options.beforeRead?.(this.#state.memory, this.#state.table);
    }
  }

  #addNotification(conn: Connection, req: AmsHeader, p: Buffer): Buffer {
    const a = decodeAddNotification(p);
    // Validate the address now, as TwinCAT does, so a bad subscription fails at once.
    const probe = serviceRead(this.#state, req.target.port, a.indexGroup, a.indexOffset, a.length);
    this.#state.touchedRead = false;
    if (probe.error) return encodeAddNotificationResponse(probe.error, 0);
    const handle = this.#nextNotification++;
    const cycleMs = Math.max(MIN_SCAN_MS, a.cycleTime / 10000);
    conn.notifications.set(handle, {
      handle,
      client: req.source,
      source: req.target,
      group: a.indexGroup,
      offset: a.indexOffset,
      length: a.length,
      cyclic: a.transMode === TransMode.Cyclic || a.transMode === TransMode.ClientCycle,
      cycleMs,
      // First sample on the next scan (after this reply is on the wire): TwinCAT sends the
      // current value right after a subscription is added.
      dueAt: 0,
      last: undefined,
    });
    this.#updateScanTimer();
    return encodeAddNotificationResponse(AdsError.OK, handle);
  }

  #updateScanTimer(): void {
    let any = false;
    for (const c of this.#connections) if (c.notifications.size > 0) any = true;
    if (any && !this.#scanTimer) this.#scanTimer = setInterval(() => this.#scan(Date.now(), false), MIN_SCAN_MS);
    else if (!any && this.#scanTimer) {
      clearInterval(this.#scanTimer);
      this.#scanTimer = undefined;
    }
  }

  /** Send due notifications: on-change ones whose value changed, cyclic ones at their cycle. */
  #scan(now: number, force: boolean): void {
    if (this.#paused) return;
    let prepared = false;
    const s = this.#state;
    for (const conn of this.#connections) {
      if (conn.notifications.size === 0 || conn.socket.destroyed) continue;
      // One packet per (client, subscribed address) pair, as the client keys subscriptions so.
      let groups: Map<string, { n: Notification; samples: NotificationSample[] }> | undefined;
      for (const n of conn.notifications.values()) {
        if (!force && now < n.dueAt) continue;
        if (!prepared && n.group !== IndexGroup.SYM_VERSION && n.group !== IndexGroup.DEVICE_DATA) {
          this.#options.beforeRead?.(s.memory, s.table);
          prepared = true;
        }
        n.dueAt = now + n.cycleMs;
        const r = serviceRead(s, n.source.port, n.group, n.offset, n.length);
        if (r.error) continue; // the address vanished in an online change; the client re-subscribes
        if (!n.cyclic && n.last && n.last.equals(r.data)) continue;
        n.last = r.data;
        const key = `${n.client.netId}:${n.client.port}>${n.source.netId}:${n.source.port}`;
        groups ??= new Map();
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { n, samples: [] }));
        g.samples.push({ handle: n.handle, data: r.data });
      }
      s.touchedRead = false;
      if (groups) for (const g of groups.values()) this.#sendNotification(conn, g.n, g.samples, now);
    }
  }

  #sendNotification(conn: Connection, n: Notification, samples: NotificationSample[], now: number): void {
    const header: AmsHeader = {
      target: n.client,
      source: n.source,
      command: AdsCommand.Notification,
      stateFlags: STATE_FLAG_ADS_COMMAND,
      dataLength: 0,
      errorCode: 0,
      invokeId: 0,
    };
    conn.socket.write(encodeAmsPacket(header, encodeNotification(now, samples)));
  }
}
