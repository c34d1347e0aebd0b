// Run control over REST: POST /api/run/pause|resume|reset|step and PUT /api/run/pace. Bodies are
// checked by JSON schema before the engine sees them (bad ones get 400 with ajv's reason); every
// answer is the run status after the action, and the publisher is told to send a status frame.

import type { FastifyInstance } from 'fastify';
import type { Pace, RunControl, RunStatus } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';

/** Limits of the run control bodies, also used by the page to build requests. */
export const STEP_MAX_TICKS = 100_000;
export const PACE_MIN_FACTOR = 0.1;
export const PACE_MAX_FACTOR = 1000;

const stepBody = {
  type: 'object',
  properties: { ticks: { type: 'integer', minimum: 1, maximum: STEP_MAX_TICKS } },
  additionalProperties: false,
} as const;

// `if/then` rather than oneOf: ajv then names the missing field, not "must match exactly one
// schema in oneOf". A factor with kind 'fast' is refused in the handler, with a clearer reason
// than ajv's "must NOT be valid".
const paceBody = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['realtime', 'fast'] },
    factor: { type: 'number', minimum: PACE_MIN_FACTOR, maximum: PACE_MAX_FACTOR },
  },
  additionalProperties: false,
  if: { required: ['kind'], properties: { kind: { const: 'realtime' } } },
  then: { required: ['factor'] },
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
  app.post<{ Body: { ticks?: number } }>(
    '/api/run/step',
    {
      schema: { body: stepBody },
      // The body is optional ("one controller cycle"); the schema still checks one that is sent.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => act(() => run.step(request.body.ticks)),
  );
  app.put<{ Body: { kind: Pace['kind']; factor?: number } }>('/api/run/pace', { schema: { body: paceBody } }, async (request) => {
    const b = request.body;
    if (b.kind === 'fast' && b.factor !== undefined) throw new TwinloopError('HMI_BAD_REQUEST', "body/factor is only allowed with kind 'realtime'");
    const pace: Pace = b.kind === 'realtime' ? { kind: 'realtime', factor: b.factor! } : { kind: 'fast' };
    return act(() => run.setPace(pace));
  });
}
