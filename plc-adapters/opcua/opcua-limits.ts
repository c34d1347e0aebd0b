// The server's operation limits (Part 5, ServerCapabilities/OperationLimits), read once per
// connection, and the error raised when a server still refuses a request as too big. PLCs cap
// the nodes of one request (an S7-1500 takes at most 1,000 monitored items per call, some
// gateways 100): every service the adapter calls is cut into slices within these limits.

import type { ClientSession, DataValue } from 'node-opcua';
import { TwinloopError } from '../../core/errors.ts';
import { AttributeId } from './opcua-types.ts';

/** Each limit is a node count per request; 0 means the server publishes none. */
export interface OperationLimits {
  readonly maxNodesPerRead: number;
  readonly maxNodesPerWrite: number;
  readonly maxMonitoredItemsPerCall: number;
  readonly maxNodesPerBrowse: number;
}

export type LimitName = keyof OperationLimits;

export const NO_LIMITS: OperationLimits = { maxNodesPerRead: 0, maxNodesPerWrite: 0, maxMonitoredItemsPerCall: 0, maxNodesPerBrowse: 0 };

// Server_ServerCapabilities_OperationLimits_* (ns=0).
const LIMIT_NODES: Readonly<Record<LimitName, string>> = {
  maxNodesPerRead: 'ns=0;i=11705',
  maxNodesPerWrite: 'ns=0;i=11707',
  maxMonitoredItemsPerCall: 'ns=0;i=11714',
  maxNodesPerBrowse: 'ns=0;i=11710',
};
const NAMES = Object.keys(LIMIT_NODES) as LimitName[];

/** Read the limits in one Read (a server without the nodes has no limits: 0). */
export async function readOperationLimits(session: ClientSession): Promise<OperationLimits> {
  const values = await session.read(NAMES.map((k) => ({ nodeId: LIMIT_NODES[k], attributeId: AttributeId.Value })));
  const limit = (dv: DataValue | undefined): number => {
    const v = dv?.statusCode.isGood() ? dv.value.value : undefined;
    return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
  };
  return { maxNodesPerRead: limit(values[0]), maxNodesPerWrite: limit(values[1]), maxMonitoredItemsPerCall: limit(values[2]), maxNodesPerBrowse: limit(values[3]) };
}

/** Is this a server's refusal of a request as too big (the whole request, not one node)? */
export function isTooManyOperations(err: unknown): boolean {
  return /BadTooManyOperations|BadTooManyMonitoredItems/.test(err instanceof Error ? err.message : String(err));
}

/** `ns=1;s=a ... ns=1;s=z (1000 tags)`: the tags of a refused request, first and last. */
function tagSpan(addresses: readonly string[]): string {
  if (addresses.length === 0) return 'no tags';
  if (addresses.length === 1) return `tag ${addresses[0]}`;
  return `tags ${addresses[0]} ... ${addresses[addresses.length - 1]} (${addresses.length})`;
}

/**
 * The error for a request the server refused as too big although it was cut to the published
 * limit: names the tags, the request size and the limit the server published.
 */
export function limitError(endpoint: string, service: string, addresses: readonly string[], sliceSize: number, limits: OperationLimits, name: LimitName, cause: unknown): TwinloopError {
  const published = limits[name] > 0 ? `its ${name} is ${limits[name]}` : `it publishes no ${name} (OperationLimits)`;
  return new TwinloopError(
    'PLC_LIMIT',
    `OPC UA ${endpoint}: the server refused a ${service} of ${sliceSize} nodes as too many (${(cause as Error)?.message ?? String(cause)}) for ${tagSpan(addresses)}; ${published}`,
    { cause },
  );
}
