// Monitoring a batch's read tags in a subscription: CreateMonitoredItems calls of at most
// MaxMonitoredItemsPerCall items each (a PLC capped at 500 refuses 1,000 in one call with
// BadTooManyOperations), one group per call, so deleting them later respects the limit too.
// Each notification is decoded straight into the batch's cache.

import type { ClientMonitoredItemGroup, ClientSubscription, DataValue, StatusCode } from 'node-opcua';
import { TwinloopError } from '../../core/errors.ts';
import type { OpcuaBatch } from './opcua-batch.ts';
import { isTooManyOperations, limitError, type OperationLimits } from './opcua-limits.ts';
import { decodeInto } from './opcua-values.ts';

const TIMESTAMPS_NEITHER = 3; // values only: the exchange stamps ages itself

export interface MonitorContext {
  readonly endpoint: string;
  readonly limits: OperationLimits;
  /** Requested sampling interval, ms (the cycle). */
  readonly samplingMs: number;
  /** False once the connection that monitored is gone: its late notifications are dropped. */
  isCurrent(): boolean;
  /** A notification arrived (the link is alive). */
  onNotice(): void;
}

/**
 * Create the monitored items of `batch` in slices within the server's limit.
 * @throws TwinloopError PLC_LIMIT (refused as too many although sliced), PLC_TAG_UNKNOWN (items
 * the server refused, each named by its tag); the groups made so far are deleted first.
 */
export async function monitorBatch(sub: ClientSubscription, batch: OpcuaBatch, ctx: MonitorContext): Promise<ClientMonitoredItemGroup[]> {
  const n = batch.readIds.length;
  const limit = ctx.limits.maxMonitoredItemsPerCall;
  const step = limit > 0 ? limit : n;
  const groups: ClientMonitoredItemGroup[] = [];
  const drop = async (): Promise<void> => {
    for (const g of groups) await g.terminate().catch(() => undefined);
  };
  for (let offset = 0; offset < n; offset += step) {
    const ids = batch.readIds.slice(offset, offset + step);
    let group: ClientMonitoredItemGroup;
    try {
      group = await sub.monitorItems(ids, { samplingInterval: ctx.samplingMs, discardOldest: true, queueSize: 1 }, TIMESTAMPS_NEITHER);
    } catch (err) {
      await drop();
      if (!isTooManyOperations(err)) throw err;
      const addresses = batch.tags.slice(offset, offset + ids.length).map((t) => t.address);
      throw limitError(ctx.endpoint, 'CreateMonitoredItems', addresses, ids.length, ctx.limits, 'maxMonitoredItemsPerCall', err);
    }
    groups.push(group);
    const refused: string[] = [];
    group.monitoredItems.forEach((item, i) => {
      const status = (item as unknown as { statusCode?: StatusCode }).statusCode;
      if (status && status.isBad()) refused.push(`tag ${batch.tags[offset + i]!.address}: monitoring refused (${status.name})`);
    });
    if (refused.length > 0) {
      await drop();
      throw new TwinloopError('PLC_TAG_UNKNOWN', refused.join('; '));
    }
    const base = offset;
    group.on('changed', (_item: unknown, dv: DataValue, index: number) => {
      if (!ctx.isCurrent()) return;
      decodeInto(dv, batch.values, batch.quality, base + index);
      ctx.onNotice();
    });
  }
  return groups;
}
