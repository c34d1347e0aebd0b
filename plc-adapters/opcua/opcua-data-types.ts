// Resolving a node's DataType to the built-in type its value travels as. Real servers declare
// subtypes (Duration, UtcTime, a vendor's `Speed` derived from Float) and enumerations
// (`MotorMode`, travelling as Int32): the supertype chain is walked on the server (inverse
// HasSubtype) until a built-in or Enumeration is reached. Bounded in depth; cached per
// connection, so a thousand tags of one type cost one walk.

import type { ClientSession, NodeId } from 'node-opcua';
import { DataType, ENUMERATION_ID, builtInOf, type ResolvedType } from './opcua-types.ts';
import { chunked } from './opcua-batch.ts';

const HAS_SUBTYPE = 'ns=0;i=45';
const INVERSE = 1; // BrowseDirection.Inverse
const NODE_CLASS_DATA_TYPE = 64;
const MAX_DEPTH = 8;
// Structures, abstract Number/Integer/UInteger, BaseDataType: no single built-in to map to.
const STOP_IDS = new Set([22, 24, 26, 27, 28]);

type DataTypeId = { namespace: number; value: unknown; toString(): string };

/** Resolves DataType NodeIds for one session; `undefined` = not mappable (structure, abstract ...). */
export class DataTypeResolver {
  readonly #session: ClientSession;
  readonly #maxBrowse: number;
  readonly #maxRead: number;
  readonly #cache = new Map<string, ResolvedType | null>();

  constructor(session: ClientSession, limits: { readonly maxNodesPerBrowse: number; readonly maxNodesPerRead: number }) {
    this.#session = session;
    this.#maxBrowse = limits.maxNodesPerBrowse;
    this.#maxRead = limits.maxNodesPerRead;
  }

  /** Resolve every id (in order); ids that need the server are walked level by level, together. */
  async resolveAll(ids: readonly (DataTypeId | undefined)[]): Promise<(ResolvedType | undefined)[]> {
    const todo = new Map<string, DataTypeId>();
    for (const id of ids) {
      if (!id || builtInOf(id)) continue;
      const key = id.toString();
      if (!this.#cache.has(key)) todo.set(key, id);
    }
    if (todo.size > 0) await this.#walk([...todo.values()]);
    return ids.map((id) => (id ? (builtInOf(id) ?? this.#cache.get(id.toString()) ?? undefined) : undefined));
  }

  /** Walk the supertype chains of `types` (all at once, one Browse per level), naming each. */
  async #walk(types: DataTypeId[]): Promise<void> {
    const names = await chunked(types, this.#maxRead, (slice) =>
      this.#session.read(slice.map((nodeId) => ({ nodeId: nodeId as unknown as NodeId, attributeId: 3 /* BrowseName */ }))),
    );
    // cursor[k]: where type k's walk stands now.
    let cursor: (DataTypeId | undefined)[] = types.slice();
    const result: (DataType | undefined | null)[] = types.map(() => null); // null = not decided yet
    for (let depth = 0; depth < MAX_DEPTH && result.includes(null); depth++) {
      const open = cursor.map((c, k) => (result[k] === null && c ? { k, c } : undefined)).filter((x): x is { k: number; c: DataTypeId } => x !== undefined);
      const browsed = await chunked(open, this.#maxBrowse, (slice) =>
        this.#session.browse(slice.map(({ c }) => ({ nodeId: c as unknown as NodeId, referenceTypeId: HAS_SUBTYPE, browseDirection: INVERSE, includeSubtypes: false, nodeClassMask: NODE_CLASS_DATA_TYPE, resultMask: 63 }))),
      );
      const next = cursor.slice();
      open.forEach(({ k }, i) => {
        const parent = browsed[i]?.references?.[0]?.nodeId as DataTypeId | undefined;
        if (!parent) return void (result[k] = undefined);
        const known = builtInOf(parent);
        if (parent.namespace === 0 && parent.value === ENUMERATION_ID) result[k] = DataType.Int32;
        else if (known) result[k] = known.builtIn;
        else if (parent.namespace === 0 && STOP_IDS.has(parent.value as number)) result[k] = undefined;
        else next[k] = parent;
      });
      cursor = next;
    }
    types.forEach((t, k) => {
      const builtIn = result[k];
      const name = names[k]?.statusCode.isGood() ? String((names[k]!.value.value as { name?: string } | null)?.name ?? t.toString()) : t.toString();
      this.#cache.set(t.toString(), builtIn ? { builtIn, name } : null);
    });
  }
}
