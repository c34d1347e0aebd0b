// GET /api/layout: where each component sits on the mimic, as the line file places it.
// The page also receives it in the WebSocket catalog frame; this route is for tools and tests.

import type { FastifyInstance } from 'fastify';
import type { LayoutEntry, RunControl } from '../../core/engine/run-control.ts';

/** Answer of GET /api/layout. */
export interface LayoutResponse {
  line: string;
  layout: readonly LayoutEntry[];
}

/** Register GET /api/layout. */
export function layoutRoutes(app: FastifyInstance, run: RunControl): void {
  app.get('/api/layout', async (): Promise<LayoutResponse> => ({ line: run.lineName, layout: run.layout }));
}
