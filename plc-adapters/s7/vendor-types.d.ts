// The parts of nodes7 and node-snap7 (both untyped JavaScript) that twinloop uses, typed
// here so the rest of the code stays strict. Fields marked internal are nodes7 state that
// the adapter reads or clears to stop the driver's own reconnect timers.

declare module 'nodes7' {
  interface NodeS7Options {
    host: string;
    port?: number;
    rack?: number;
    slot?: number;
    timeout?: number;
    doNotOptimize?: boolean;
  }
  type NodeS7Value = number | boolean | string;
  class NodeS7 {
    constructor(options?: { silent?: boolean; debug?: boolean });
    initiateConnection(options: NodeS7Options, callback: (err?: unknown) => void): void;
    dropConnection(callback: () => void): void;
    addItems(items: string | string[]): void;
    removeItems(items?: string | string[]): void;
    readAllItems(callback: (anythingBad: boolean, values: Record<string, NodeS7Value>) => void): void;
    /** 0 when queued; non-zero when a write is in progress (then the callback never comes). */
    writeItems(items: string | string[], values: NodeS7Value | (NodeS7Value | number[])[], callback: (anythingBad: boolean) => void): number;
    /** Internal: 4 = connected (ISO and PDU negotiated). */
    isoConnectionState: number;
    /** Internal: the negotiated PDU size. */
    maxPDU: number;
    /** Internal: parallel jobs asked for in the PDU negotiation (default 8). */
    requestMaxParallel: number;
    /** Internal: parallel jobs agreed with the PLC. */
    maxParallel: number;
    /** Internal timers nodes7 uses to retry on its own. */
    reconnectTimer: NodeJS.Timeout | undefined;
    rereadTimer: NodeJS.Timeout | undefined;
    resetTimeout: NodeJS.Timeout | undefined;
    dropConnectionTimer: NodeJS.Timeout | null;
    connectionCleanup(): void;
    /** Internal: apply a polling-list change now (addItems/removeItems apply at the next read). */
    addItemsNow(items: string[]): void;
    removeItemsNow(items?: string[]): void;
    /** Internal: group the polling list into request packets (PDU-bounded). */
    prepareReadPacket(): void;
    readPacketArray: { itemList: unknown[] }[];
  }
  export = NodeS7;
}

declare module 'node-snap7' {
  interface SrvEvent {
    EvtTime: Date;
    EvtSender: string;
    EvtCode: number;
    EvtRetCode: number;
    EvtParam1: number;
    EvtParam2: number;
    EvtParam3: number;
    EvtParam4: number;
  }
  class S7Server {
    readonly LocalPort: number;
    readonly srvAreaPE: number;
    readonly srvAreaPA: number;
    readonly srvAreaMK: number;
    readonly srvAreaDB: number;
    readonly evcDataRead: number;
    readonly evcDataWrite: number;
    readonly evcClientAdded: number;
    readonly evcClientDisconnected: number;
    SetParam(param: number, value: number): boolean;
    GetParam(param: number): number | false;
    StartTo(ip: string, callback?: (err: number | null) => void): boolean;
    Stop(callback?: (err: number | null) => void): boolean;
    RegisterArea(area: number, index: number, buffer: Buffer): boolean;
    RegisterArea(area: number, buffer: Buffer): boolean;
    UnregisterArea(area: number, index?: number): boolean;
    GetArea(area: number, index?: number): Buffer;
    SetArea(area: number, index: number, buffer: Buffer): void;
    SetArea(area: number, buffer: Buffer): void;
    SetEventMask(mask: number): void;
    ClientsCount(): number;
    EventText(event: SrvEvent): string;
    ErrorText(code: number): string;
    on(event: 'event', listener: (event: SrvEvent) => void): this;
    removeAllListeners(event?: string): this;
  }
  const snap7: { S7Server: typeof S7Server };
  export default snap7;
  export { S7Server, SrvEvent };
}
