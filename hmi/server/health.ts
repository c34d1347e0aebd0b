// GET /api/health: the run's status (state, mode, pace, tick, tick lateness statistics,
// controllers) exactly as RunControl reports it, for the page banner, probes and scripts.

import type { FastifyInstance } from 'fastify';
import type { RunControl } from '../../core/engine/run-control.ts';

/** Register GET /api/health. */
export function healthRoutes(app: FastifyInstance, run: RunControl): void {
  app.get('/api/health', async () => run.status());
}
