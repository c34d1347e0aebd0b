// A tag set compiled by the OPC UA adapter (NodeIds resolved, server types checked), with the
// request bodies built once, the subscription cache, and the helpers that bound and slice the
// requests made with it.

import type { ClientMonitoredItemGroup, NodeId, NumericRange, ReadValueId, ReadValueIdOptions, WriteValue } from 'node-opcua';
import type { PlcAdapter, TagBatch, TagSpec } from '../adapter.ts';
import { AttributeId, type DataType } from './opcua-types.ts';

/** A tag may name the exact PLC data type (`Int16`); the plant file passes it through. */
export interface OpcuaTagSpec extends TagSpec {
  readonly plcType?: string;
}

export class OpcuaBatch implements TagBatch {
  readonly adapter: PlcAdapter;
  readonly tags: readonly OpcuaTagSpec[];
  /** Built-in type of each node on the server, checked at prepare and at each reconnect. */
  readonly dataTypes: DataType[];
  /**
   * Index range of each tag that names an array element (`Arr[2]` -> `2`), undefined for a
   * scalar node; decided at prepare (a server may have a node literally named `Arr[2]`).
   */
  readonly indexRanges: (string | undefined)[];
  readIds: ReadValueIdOptions[];
  /**
   * The request bodies as node-opcua objects, built once (per connection: types may change with
   * a PLC download). Given options instead, node-opcua constructs and validates 1,000 ReadValueId
   * or WriteValue + DataValue + Variant objects on every request, ~4 ms of a 1,000-tag write.
   * A write sets each Variant's value in place.
   */
  pollIds: ReadValueId[] | undefined;
  /** pollIds cut to the server's MaxNodesPerRead, once per connection. */
  pollSlices: ReadValueId[][] | undefined;
  writeNodes: WriteValue[] | undefined;
  // Subscription cache: the latest notification per tag, and whether one has arrived.
  readonly values: Float64Array;
  readonly quality: Uint8Array;
  /** Monitored items, one group per CreateMonitoredItems call (MaxMonitoredItemsPerCall). */
  groups: ClientMonitoredItemGroup[] | undefined;
  nodeIds: NodeId[];
  constructor(adapter: PlcAdapter, tags: readonly OpcuaTagSpec[], nodeIds: NodeId[]) {
    this.adapter = adapter;
    this.tags = tags;
    this.nodeIds = nodeIds;
    this.dataTypes = new Array<DataType>(tags.length);
    this.indexRanges = new Array<string | undefined>(tags.length).fill(undefined);
    this.readIds = [];
    this.resetReadIds();
    this.values = new Float64Array(tags.length);
    this.quality = new Uint8Array(tags.length).fill(2);
    this.pollIds = undefined;
    this.pollSlices = undefined;
    this.writeNodes = undefined;
    this.groups = undefined;
  }

  /** Rebuild the ReadValueIds from the nodes and index ranges (after prepare decided them). */
  resetReadIds(): void {
    this.readIds = this.nodeIds.map((nodeId, k) => {
      const indexRange = this.indexRanges[k];
      return indexRange === undefined ? { nodeId, attributeId: AttributeId.Value } : { nodeId, attributeId: AttributeId.Value, indexRange: asRange(indexRange) };
    });
  }
}

/**
 * An index range as node-opcua's options take it. Its structure constructors coerce the text
 * (`2`, `1,0`) into a NumericRange; the types declare only the class, which this module cannot
 * construct without loading node-opcua.
 */
export function asRange(text: string): NumericRange {
  return text as unknown as NumericRange;
}

/** Run `call` over `items` in slices of at most `limit` (0 = no limit), concatenating results. */
export async function chunked<T, R>(items: readonly T[], limit: number, call: (slice: T[]) => Promise<R[]>): Promise<R[]> {
  if (limit <= 0 || items.length <= limit) return call(items as T[]);
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await call(items.slice(i, i + limit))));
  return out;
}

/** Reject with a timeout error unless `p` settles within `ms`; the timer never outlives it. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
