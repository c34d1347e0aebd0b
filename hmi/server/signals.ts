// GET /api/signals[?prefix=m1.]: the catalog with each signal's current value and quality, read
// from one consistent snapshot of the table. For tools and debugging; the page uses the
// WebSocket, which never sends names after the catalog.

import type { FastifyInstance } from 'fastify';
import type { RunControl } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import type { SnapshotInfo } from '../../core/signals.ts';
import type { CatalogEntry } from '../protocol.ts';

/** One row of GET /api/signals. */
export interface SignalValue extends CatalogEntry {
  value: number;
  quality: number;
  /** Present while the signal is forced: the value is the engineer's, not the model's. */
  forced?: { by: string | null; since: number };
}

/** Answer of GET /api/signals. */
export interface SignalsResponse {
  tick: number;
  time: number;
  signals: SignalValue[];
}

const querySchema = {
  type: 'object',
  properties: { prefix: { type: 'string', maxLength: 200 } },
  additionalProperties: false,
} as const;

/** Register GET /api/signals. `catalog` is the server's shared catalog (index = id). */
export function signalRoutes(app: FastifyInstance, run: RunControl, catalog: readonly CatalogEntry[]): void {
  app.get<{ Querystring: { prefix?: string } }>('/api/signals', { schema: { querystring: querySchema } }, async (request): Promise<SignalsResponse> => {
    const table = run.table;
    // Not the publisher's scratch: REST calls are rare and must not disturb the frame diff.
    const values = new Float64Array(table.size);
    const info: SnapshotInfo = { tick: 0, time: 0 };
    if (!table.snapshot(values, info)) throw new TwinloopError('HMI_INTERNAL', 'no consistent snapshot of the signal table (writer busy)');
    const prefix = request.query.prefix ?? '';
    const forced = new Map((run.status().forces ?? []).map((f) => [f.signal, f] as const));
    const signals: SignalValue[] = [];
    for (const entry of catalog) {
      if (prefix !== '' && !entry.name.startsWith(prefix)) continue;
      const f = forced.get(entry.name);
      signals.push({ ...entry, value: values[entry.id]!, quality: table.quality[entry.id]!, ...(f !== undefined ? { forced: { by: f.by, since: f.since } } : {}) });
    }
    return { tick: info.tick, time: info.time, signals };
  });
}
