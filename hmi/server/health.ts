// GET /api/health: the run's status (state, mode, pace, tick, tick lateness statistics,
// controllers) exactly as RunControl reports it, for the page banner and scripts (viewer).
// GET /api/live: a public liveness probe that says nothing about the line (container checks).

import type { FastifyInstance } from 'fastify';
import type { RunControl } from '../../core/engine/run-control.ts';

/** Register GET /api/health and GET /api/live. */
export function healthRoutes(app: FastifyInstance, run: RunControl): void {
  app.get('/api/health', async () => run.status());
  app.get('/api/live', async () => ({ ok: true }));
}
