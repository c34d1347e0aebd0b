// Browsing an OPC UA server for a tag list (`twinloop import opcua://host:port`): walk the
// Objects folder below the server's own namespaces (bounded in depth and node count), read each
// variable's DataType and AccessLevel, and turn what maps onto bool/int/real into plant-file
// tags. Writable variables become `write` tags (PLC inputs), the others `read` tags.

import { stringify } from 'yaml';
import type { ClientSession, ReferenceDescription } from 'node-opcua';
import type { SignalType } from '../../core/signals.ts';
import { AttributeId, DataType, builtInOf, dataTypeName } from './opcua-types.ts';
import { chunked, withTimeout } from './opcua-batch.ts';

export interface BrowsedTag {
  readonly signal: string;
  readonly address: string;
  readonly direction: 'read' | 'write';
  readonly type: SignalType;
  readonly plcType: string;
}

export interface BrowseOptions {
  /** Where to start (default the Objects folder, ns=0;i=85). */
  readonly root?: string;
  readonly maxDepth?: number;
  readonly maxNodes?: number;
  /** Server operation limit for the attribute reads (0 = none). */
  readonly maxNodesPerRead?: number;
  readonly timeoutMs?: number;
}

export interface BrowseResult {
  readonly tags: BrowsedTag[];
  /** Variables found whose type twinloop cannot map (structures, strings, arrays ...). */
  readonly skipped: { readonly address: string; readonly reason: string }[];
  /** True when maxNodes cut the walk short. */
  readonly truncated: boolean;
}

const NODE_CLASS_OBJECT = 1;
const NODE_CLASS_VARIABLE = 2;
const HIERARCHICAL = 'ns=0;i=33';
const CURRENT_WRITE = 0x02;
const VALUE_RANK = 15; // AttributeIds.ValueRank: -1 = scalar

function typeOf(t: DataType): SignalType {
  if (t === DataType.Boolean) return 'bool';
  return t === DataType.Float || t === DataType.Double ? 'real' : 'int';
}

/** Walk the server breadth first. Namespace 0 (the server's own diagnostics) is not entered. */
export async function browseTags(session: ClientSession, options: BrowseOptions = {}): Promise<BrowseResult> {
  const maxDepth = options.maxDepth ?? 8;
  const maxNodes = options.maxNodes ?? 20_000;
  const timeout = options.timeoutMs ?? 10_000;
  const vars: { address: string; name: string }[] = [];
  let level: string[] = [options.root ?? 'ns=0;i=85'];
  let visited = 0;
  let truncated = false;
  const seen = new Set<string>(level);
  for (let depth = 0; depth < maxDepth && level.length > 0 && !truncated; depth++) {
    const results = await withTimeout(
      session.browse(level.map((nodeId) => ({ nodeId, referenceTypeId: HIERARCHICAL, includeSubtypes: true, browseDirection: 0, nodeClassMask: NODE_CLASS_OBJECT | NODE_CLASS_VARIABLE, resultMask: 63 }))),
      timeout,
      'browse',
    );
    const next: string[] = [];
    for (const r of results) {
      for (const ref of (r.references ?? []) as ReferenceDescription[]) {
        const id = ref.nodeId.toString();
        if (ref.nodeId.namespace === 0 || seen.has(id)) continue;
        seen.add(id);
        if (++visited > maxNodes) {
          truncated = true;
          break;
        }
        if (ref.nodeClass === NODE_CLASS_VARIABLE) vars.push({ address: id, name: ref.browseName.name ?? id });
        next.push(id); // variables may have components too
      }
    }
    level = next;
  }
  const reads = vars.flatMap((v) => [
    { nodeId: v.address, attributeId: AttributeId.DataType },
    { nodeId: v.address, attributeId: 17 /* AccessLevel */ },
    { nodeId: v.address, attributeId: VALUE_RANK },
  ]);
  const limit = options.maxNodesPerRead ?? 0;
  const values = await withTimeout(chunked(reads, limit > 0 ? limit - (limit % 3) || 3 : 0, (slice) => session.read(slice)), timeout, 'reading DataTypes');
  const tags: BrowsedTag[] = [];
  const skipped: { address: string; reason: string }[] = [];
  vars.forEach((v, k) => {
    const dt = values[3 * k]!;
    const access = values[3 * k + 1]!;
    const rank = values[3 * k + 2]!;
    const t = dt.statusCode.isGood() ? builtInOf(dt.value.value as { namespace: number; value: unknown }) : undefined;
    if (t === undefined) return void skipped.push({ address: v.address, reason: `DataType ${String(dt.value.value)} is not a built-in scalar` });
    if (rank.statusCode.isGood() && rank.value.value !== -1) return void skipped.push({ address: v.address, reason: 'not a scalar' });
    const writable = access.statusCode.isGood() && (Number(access.value.value) & CURRENT_WRITE) !== 0;
    tags.push({ signal: v.name, address: v.address, direction: writable ? 'write' : 'read', type: typeOf(t), plcType: dataTypeName(t) });
  });
  return { tags, skipped, truncated };
}

/** A plant file with one controller holding the browsed tags, ready to edit. */
export function plantYaml(name: string, endpoint: string, result: BrowseResult): string {
  const head =
    `# Tag list browsed from ${endpoint}: ${result.tags.length} tags` +
    (result.skipped.length ? `, ${result.skipped.length} variables skipped (types twinloop cannot map)` : '') +
    (result.truncated ? ', walk cut short by maxNodes' : '') +
    '.\n# Check each signal name against the line file; writable variables were taken as PLC inputs.\n';
  const doc = { controllers: [{ name, protocol: 'opcua', endpoint, cycleMs: 10, tags: result.tags.map((t) => ({ ...t })) }] };
  return head + stringify(doc, { lineWidth: 0 });
}
