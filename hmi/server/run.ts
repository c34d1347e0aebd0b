// Run control over REST: POST /api/run/pause|resume|reset|step and PUT /api/run/pace. Bodies are
// checked by JSON schema before the engine sees them (bad ones get 400 with ajv's reason); every
// answer is the run status after the action, and the publisher is told to send a status frame.

import type { FastifyInstance } from 'fastify';
import type { Pace, RunControl, RunStatus } from '../../core/engine/run-control.ts';

/** Limits of the run control bodies, also used by the page to build requests. */
export const STEP_MAX_TICKS = 100_000;
export const PACE_MIN_FACTOR = 0.1;
export const PACE_MAX_FACTOR = 1000;

const stepBody = {
  type: 'object',
  properties: { ticks: { type: 'integer', minimum: 1, maximum: STEP_MAX_TICKS } },
  additionalProperties: false,
} as const;

// `if/then/else` rather than oneOf: ajv then names the missing or extra field, not "must match
// exactly one schema in oneOf".
const paceBody = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['realtime', 'fast'] },
    factor: { type: 'number', minimum: PACE_MIN_FACTOR, maximum: PACE_MAX_FACTOR },
  },
  additionalProperties: false,
  if: { properties: { kind: { const: 'realtime' } } },
  then: { required: ['factor'] },
  else: { not: { required: ['factor'] } },
} as const;

/** Register the run control routes; `changed` is called after every action. */
export function runRoutes(app: FastifyInstance, run: RunControl, changed: () => void): void {
  const act = async (action: () => Promise<void>): Promise<RunStatus> => {
    try {
      await action();
    } finally {
      changed();
    }
    return run.status();
  };
  app.post('/api/run/pause', async () => act(() => run.pause()));
  app.post('/api/run/resume', async () => act(() => run.resume()));
  app.post('/api/run/reset', async () => act(() => run.reset()));
  app.post<{ Body: { ticks?: number } | undefined }>('/api/run/step', { schema: { body: stepBody } }, async (request) =>
    act(() => run.step(request.body?.ticks)),
  );
  app.put<{ Body: Pace }>('/api/run/pace', { schema: { body: paceBody } }, async (request) => {
    const b = request.body;
    const pace: Pace = b.kind === 'realtime' ? { kind: 'realtime', factor: b.factor } : { kind: 'fast' };
    return act(() => run.setPace(pace));
  });
}
