// Checking a batch of tags against the server at prepare (and again at each reconnect: a PLC
// download may change types): each node exists, its DataType resolves to a built-in that fits
// the tag, a scalar tag names a scalar node and an element tag (`Arr[2]`) an element that
// exists. Every problem is collected and reported with its own tag, never the first one for all.

import type { ClientSession, DataValue, NodeId } from 'node-opcua';
import { TwinloopError } from '../../core/errors.ts';
import { splitIndex } from './opcua-address.ts';
import { chunked, type OpcuaBatch } from './opcua-batch.ts';
import type { DataTypeResolver } from './opcua-data-types.ts';
import type { OperationLimits } from './opcua-limits.ts';
import { AttributeId, typeMismatch } from './opcua-types.ts';

export interface CompileContext {
  readonly session: ClientSession;
  readonly endpoint: string;
  readonly limits: OperationLimits;
  readonly resolver: DataTypeResolver;
  /** Parse a NodeId (node-opcua's resolveNodeId); throws on bad syntax. */
  readonly resolveNodeId: (text: string) => NodeId;
}

const VALUE_RANK_SCALAR = -1;
// Any (-2) and ScalarOrOneDimension (-3) may hold a scalar: accepted, and a value that turns out
// to be an array reads with bad quality (opcua-values.ts), never as a number.
const MAY_BE_SCALAR = new Set([-1, -2, -3]);

/** Read `attributes` of every node, in slices within MaxNodesPerRead (whole nodes per slice). */
async function readAttributes(ctx: CompileContext, nodes: readonly NodeId[], attributes: readonly number[]): Promise<DataValue[]> {
  const per = attributes.length;
  const max = ctx.limits.maxNodesPerRead;
  const slice = max > 0 ? Math.max(per, max - (max % per)) : 0;
  const ids = nodes.flatMap((nodeId) => attributes.map((attributeId) => ({ nodeId, attributeId })));
  return chunked(ids, slice, (s) => ctx.session.read(s));
}

/**
 * Decide each tag's node and index range, check its type, and set batch.dataTypes.
 * @throws TwinloopError PLC_TAG_UNKNOWN / PLC_TAG_TYPE listing every bad tag, each by its address.
 */
export async function compileTags(ctx: CompileContext, batch: OpcuaBatch): Promise<void> {
  const n = batch.tags.length;
  const attrs = [AttributeId.DataType, AttributeId.ValueRank];
  let values = await readAttributes(ctx, batch.nodeIds, attrs);
  // An address with an index suffix that is not a node itself: the element of an array node.
  const retry: number[] = [];
  for (let k = 0; k < n; k++) {
    if (values[2 * k]!.statusCode.isGood() || batch.indexRanges[k] !== undefined) continue;
    const split = splitIndex(batch.tags[k]!.address);
    if (split) retry.push(k);
  }
  if (retry.length > 0) {
    const bases = retry.map((k) => ctx.resolveNodeId(splitIndex(batch.tags[k]!.address)!.node));
    const again = await readAttributes(ctx, bases, attrs);
    retry.forEach((k, i) => {
      if (!again[2 * i]!.statusCode.isGood()) return;
      batch.nodeIds[k] = bases[i]!;
      batch.indexRanges[k] = splitIndex(batch.tags[k]!.address)!.indexRange;
      values[2 * k] = again[2 * i]!;
      values[2 * k + 1] = again[2 * i + 1]!;
    });
    batch.resetReadIds();
  }
  const types = await ctx.resolver.resolveAll(values.filter((_, i) => i % 2 === 0).map((dv) => (dv.statusCode.isGood() ? (dv.value.value as { namespace: number; value: unknown; toString(): string }) : undefined)));
  const unknown: string[] = [];
  const wrong: string[] = [];
  for (let k = 0; k < n; k++) {
    const tag = batch.tags[k]!;
    const dt = values[2 * k]!;
    if (!dt.statusCode.isGood()) {
      unknown.push(`tag ${tag.address}: unknown to ${ctx.endpoint} (${dt.statusCode.name})`);
      continue;
    }
    const rankDv = values[2 * k + 1]!;
    const rank = rankDv.statusCode.isGood() && typeof rankDv.value.value === 'number' ? rankDv.value.value : VALUE_RANK_SCALAR;
    const element = batch.indexRanges[k] !== undefined;
    if (!element && !MAY_BE_SCALAR.has(rank)) {
      wrong.push(`tag ${tag.address}: is an array (ValueRank ${rank}); a tag is one value: name one element, e.g. ${tag.address}[0]`);
      continue;
    }
    if (element && rank === VALUE_RANK_SCALAR) {
      wrong.push(`tag ${tag.address}: ${batch.nodeIds[k]!.toString()} is a scalar, it has no element [${batch.indexRanges[k]}]`);
      continue;
    }
    const why = typeMismatch(tag.type, types[k], tag.plcType);
    if (why) wrong.push(`tag ${tag.address}: ${why}`);
    else batch.dataTypes[k] = types[k]!.builtIn;
  }
  // An element outside the array fails here, naming the tag, not on every cycle after.
  const elements = [...batch.indexRanges.keys()].filter((k) => batch.indexRanges[k] !== undefined && batch.dataTypes[k] !== undefined);
  if (elements.length > 0) {
    const read = await chunked(elements.map((k) => batch.readIds[k]!), ctx.limits.maxNodesPerRead, (s) => ctx.session.read(s));
    elements.forEach((k, i) => {
      const dv = read[i]!;
      if (!dv.statusCode.isGood()) unknown.push(`tag ${batch.tags[k]!.address}: element [${batch.indexRanges[k]}] of ${batch.nodeIds[k]!.toString()} cannot be read (${dv.statusCode.name}; outside the array?)`);
    });
  }
  if (unknown.length > 0) throw new TwinloopError('PLC_TAG_UNKNOWN', unknown.concat(wrong).join('; '));
  if (wrong.length > 0) throw new TwinloopError('PLC_TAG_TYPE', wrong.join('; '));
}
