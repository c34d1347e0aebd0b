// The signal catalog as clients see it: id, name, type, kind and unit per signal, in id order.
// Built once per server (names never change during a run) and shared by GET /api/signals and
// the WebSocket catalog frame, so both speak of the same ids.

import type { SignalTable } from '../../core/signals.ts';
import type { CatalogEntry } from '../protocol.ts';

/** Catalog entries for every signal of `table`, index = id. */
export function buildCatalog(table: SignalTable): CatalogEntry[] {
  const out: CatalogEntry[] = new Array(table.size);
  for (let id = 0; id < table.size; id++) {
    const d = table.defs[id]!;
    out[id] = { id, name: d.name, type: d.type, kind: d.kind, unit: d.unit };
  }
  return out;
}
