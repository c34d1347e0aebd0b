// Browsing an OPC UA server for a tag list (`twinloop import opc.tcp://host:port`): walk the
// Objects folder below the server's own namespaces (bounded in depth and node count), following
// continuation points (a PLC returns ~100 references per call) and never browsing more nodes in
// one call than MaxNodesPerBrowse; read each variable's DataType, ValueRank and AccessLevel, and
// turn what maps onto bool/int/real into plant-file tags named by their browse path
// (`Motor1.Run`). Writable variables become `write` tags (PLC inputs), the others `read` tags.
// Every variable left out is listed with its reason.

import { stringify } from 'yaml';
import type { BrowseDescriptionOptions, BrowseResult as UaBrowseResult, ClientSession, NodeId, ReferenceDescription } from 'node-opcua';
import type { SignalType } from '../../core/signals.ts';
import { AttributeId, signalTypeOf, builtInOf, type ResolvedType } from './opcua-types.ts';
import { chunked, withTimeout } from './opcua-batch.ts';
import type { DataTypeResolver } from './opcua-data-types.ts';

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
  /** Server operation limits (0 = none). */
  readonly maxNodesPerRead?: number;
  readonly maxNodesPerBrowse?: number;
  /** Resolves subtypes and enumerations to built-ins (the adapter's, per session). */
  readonly resolver?: DataTypeResolver | undefined;
  readonly timeoutMs?: number;
}

export interface SkippedVariable {
  readonly address: string;
  /** Browse path, as the tag would have been named. */
  readonly path: string;
  readonly reason: string;
}

export interface BrowseResult {
  readonly tags: BrowsedTag[];
  /** Variables found that twinloop cannot map, each with why (structures, arrays, ...). */
  readonly skipped: SkippedVariable[];
  /** True when maxNodes cut the walk short. */
  readonly truncated: boolean;
}

const NODE_CLASS_OBJECT = 1;
const NODE_CLASS_VARIABLE = 2;
const HIERARCHICAL = 'ns=0;i=33';
const CURRENT_WRITE = 0x02;
const BAD_NO_CONTINUATION_POINTS = 0x804b0000;
// BrowseNext rounds per level: each returns at least one reference per open continuation point,
// so a walk of maxNodes references ends long before this; it only bounds a misbehaving server.
const MAX_NEXT_ROUNDS = 100_000;

interface Found {
  readonly id: NodeId;
  readonly path: readonly string[];
}

/** Browse `nodes` fully: sliced to MaxNodesPerBrowse, continuation points followed to the end. */
async function browseAll(session: ClientSession, nodes: readonly Found[], maxPerBrowse: number, visit: (from: Found, ref: ReferenceDescription) => void): Promise<void> {
  const describe = (f: Found): BrowseDescriptionOptions => ({ nodeId: f.id, referenceTypeId: HIERARCHICAL, includeSubtypes: true, browseDirection: 0, nodeClassMask: NODE_CLASS_OBJECT | NODE_CLASS_VARIABLE, resultMask: 63 });
  let queue = nodes.slice();
  // A server with few continuation points answers BadNoContinuationPoints for the rest of a
  // call: those nodes are browsed again, one per call.
  for (let pass = 0; queue.length > 0 && pass < 2; pass++) {
    const retry: Found[] = [];
    const per = pass === 0 ? maxPerBrowse : 1;
    await chunked(queue, per, async (slice) => {
      const results = (await session.browse(slice.map(describe))) as UaBrowseResult[];
      let open: { from: Found; cp: Buffer }[] = [];
      results.forEach((r, i) => {
        if (r.statusCode.value === BAD_NO_CONTINUATION_POINTS) return void retry.push(slice[i]!);
        for (const ref of r.references ?? []) visit(slice[i]!, ref);
        if (r.continuationPoint && r.continuationPoint.length > 0) open.push({ from: slice[i]!, cp: r.continuationPoint });
      });
      for (let round = 0; open.length > 0 && round < MAX_NEXT_ROUNDS; round++) {
        const next = (await session.browseNext(open.map((o) => o.cp), false)) as UaBrowseResult[];
        const still: typeof open = [];
        next.forEach((r, i) => {
          for (const ref of r.references ?? []) visit(open[i]!.from, ref);
          if (r.continuationPoint && r.continuationPoint.length > 0) still.push({ from: open[i]!.from, cp: r.continuationPoint });
        });
        open = still;
      }
      return [];
    });
    queue = retry;
  }
}

/** Walk the server breadth first. Namespace 0 (the server's own diagnostics) is not entered. */
export async function browseTags(session: ClientSession, options: BrowseOptions = {}): Promise<BrowseResult> {
  const maxDepth = options.maxDepth ?? 8;
  const maxNodes = options.maxNodes ?? 20_000;
  const timeout = options.timeoutMs ?? 30_000;
  const maxPerBrowse = options.maxNodesPerBrowse ?? 0;
  const vars: Found[] = [];
  const rootId = (options.root ?? 'ns=0;i=85') as unknown as NodeId;
  let level: Found[] = [{ id: rootId, path: [] }];
  let visited = 0;
  let truncated = false;
  const seen = new Set<string>([String(rootId)]);
  for (let depth = 0; depth < maxDepth && level.length > 0 && !truncated; depth++) {
    const next: Found[] = [];
    await withTimeout(
      browseAll(session, level, maxPerBrowse, (from, ref) => {
        const id = ref.nodeId.toString();
        if (truncated || ref.nodeId.namespace === 0 || seen.has(id)) return;
        seen.add(id);
        if (++visited > maxNodes) return void (truncated = true);
        const found: Found = { id: ref.nodeId as unknown as NodeId, path: [...from.path, ref.browseName.name ?? id] };
        if (ref.nodeClass === NODE_CLASS_VARIABLE) vars.push(found);
        next.push(found); // variables may have components too
      }),
      timeout,
      'browse',
    );
    level = next;
  }
  const attrs = [AttributeId.DataType, AttributeId.AccessLevel, AttributeId.ValueRank];
  const reads = vars.flatMap((v) => attrs.map((attributeId) => ({ nodeId: v.id, attributeId })));
  const limit = options.maxNodesPerRead ?? 0;
  const values = await withTimeout(chunked(reads, limit > 0 ? Math.max(3, limit - (limit % 3)) : 0, (slice) => session.read(slice)), timeout, 'reading DataTypes');
  const dataTypeIds = vars.map((_, k) => (values[3 * k]!.statusCode.isGood() ? (values[3 * k]!.value.value as { namespace: number; value: unknown; toString(): string }) : undefined));
  const resolved: (ResolvedType | undefined)[] = options.resolver ? await withTimeout(options.resolver.resolveAll(dataTypeIds), timeout, 'resolving DataTypes') : dataTypeIds.map((id) => (id ? builtInOf(id) : undefined));
  const names = signalNames(vars.map((v) => v.path));
  const tags: BrowsedTag[] = [];
  const skipped: SkippedVariable[] = [];
  vars.forEach((v, k) => {
    const address = v.id.toString();
    const path = v.path.join('.');
    const dt = values[3 * k]!;
    const access = values[3 * k + 1]!;
    const rank = values[3 * k + 2]!;
    const t = resolved[k];
    if (!dt.statusCode.isGood()) return void skipped.push({ address, path, reason: `DataType not readable (${dt.statusCode.name})` });
    if (t === undefined) return void skipped.push({ address, path, reason: `DataType ${String(dt.value.value)} is a structure or has no built-in twinloop maps (bool, integers, Float, Double, String, DateTime, enumerations)` });
    if (rank.statusCode.isGood() && typeof rank.value.value === 'number' && rank.value.value >= 0) {
      return void skipped.push({ address, path, reason: `array of ${t.name} (ValueRank ${rank.value.value}): add its elements as tags by hand, e.g. ${address}[0]` });
    }
    const writable = access.statusCode.isGood() && (Number(access.value.value) & CURRENT_WRITE) !== 0;
    tags.push({ signal: names[k]!, address, direction: writable ? 'write' : 'read', type: signalTypeOf(t.builtIn), plcType: t.name });
  });
  return { tags, skipped, truncated };
}

/**
 * Signal names from browse paths: the segments joined by dots, without the leading segments
 * every path shares (`PLC1.Motor1.Run`, `PLC1.Motor2.Run` -> `Motor1.Run`, `Motor2.Run`),
 * characters outside [A-Za-z0-9_.] replaced by `_`, and any name still taken suffixed `_2`, `_3`.
 */
export function signalNames(paths: readonly (readonly string[])[]): string[] {
  let common = 0;
  const shortest = Math.min(...paths.map((p) => p.length));
  while (paths.length > 1 && common < shortest - 1 && paths.every((p) => p[common] === paths[0]![common])) common++;
  const taken = new Map<string, number>();
  return paths.map((p) => {
    const base = p.slice(common).map((s) => s.replace(/[^A-Za-z0-9_.]/g, '_')).join('.') || '_';
    const n = (taken.get(base) ?? 0) + 1;
    taken.set(base, n);
    return n === 1 ? base : `${base}_${n}`;
  });
}

/** A plant file with one controller holding the browsed tags, ready to edit. */
export function plantYaml(name: string, endpoint: string, result: BrowseResult, opcua?: Readonly<Record<string, unknown>>): string {
  const head =
    `# Tag list browsed from ${endpoint}: ${result.tags.length} tags` +
    (result.skipped.length ? `, ${result.skipped.length} variables skipped (listed at the end)` : '') +
    (result.truncated ? ', walk cut short by maxNodes' : '') +
    '.\n# Check each signal name against the line file; writable variables were taken as PLC inputs.\n';
  const doc = { controllers: [{ name, protocol: 'opcua', endpoint, cycleMs: 10, ...(opcua && Object.keys(opcua).length > 0 ? { opcua } : {}), tags: result.tags.map((t) => ({ ...t })) }] };
  const skipped = result.skipped.length ? '\n# Skipped variables:\n' + result.skipped.map((s) => `#   ${s.address} (${s.path}): ${s.reason}`).join('\n') + '\n' : '';
  return head + stringify(doc, { lineWidth: 0 }) + skipped;
}
