// Run control over REST (engineer, per the role matrix): POST /api/run/pause|resume|reset|step
// and PUT /api/run/pace. Bodies are checked by JSON schema before the engine sees them (bad ones
// get 400 with ajv's reason); every action is audited before it is carried out (reset and pace
// also need `confirm: true`); every answer is the run status after the action, and the
// publisher is told to send a status frame.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Pace, RunStatus } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import type { ServerContext } from './context.ts';
import { carryOut, type PrivilegedAction } from './privileged.ts';

/** Limits of the run control bodies, also used by the page to build requests. */
export const STEP_MAX_TICKS = 100_000;
export const PACE_MIN_FACTOR = 0.1;
export const PACE_MAX_FACTOR = 1000;

const stepBody = {
  type: 'object',
  properties: { ticks: { type: 'integer', minimum: 1, maximum: STEP_MAX_TICKS } },
  additionalProperties: false,
} as const;

const confirmBody = {
  type: 'object',
  properties: { confirm: { type: 'boolean' } },
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
    confirm: { type: 'boolean' },
  },
  additionalProperties: false,
  if: { required: ['kind'], properties: { kind: { const: 'realtime' } } },
  then: { required: ['factor'] },
} as const;

/** A bodyless POST is `{}`; a body that is sent is still checked by the schema. */
const optionalBody = async (request: FastifyRequest): Promise<void> => {
  request.body ??= {};
};

/** Register the run control routes; `ctx.statusChanged` is called after every action. */
export function runRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { run } = ctx;
  const act = async (request: FastifyRequest, a: PrivilegedAction, action: () => Promise<void>): Promise<RunStatus> => {
    try {
      await carryOut(ctx, request, a, action);
    } finally {
      ctx.statusChanged();
    }
    return run.status();
  };
  const state = (): string => run.status().state;
  app.post('/api/run/pause', async (request) => act(request, { action: 'run.pause', old: state(), new: 'paused' }, () => run.pause()));
  app.post('/api/run/resume', async (request) => act(request, { action: 'run.resume', old: state(), new: 'running' }, () => run.resume()));
  app.post('/api/run/reset', { schema: { body: confirmBody }, preValidation: optionalBody }, async (request) =>
    act(request, { action: 'run.reset', old: run.status().tick, new: 0, confirm: true }, () => run.reset()),
  );
  app.post<{ Body: { ticks?: number } }>('/api/run/step', { schema: { body: stepBody }, preValidation: optionalBody }, async (request) =>
    act(request, { action: 'run.step', old: run.status().tick, new: { ticks: request.body.ticks ?? 'cycle' } }, () => run.step(request.body.ticks)),
  );
  app.put<{ Body: { kind: Pace['kind']; factor?: number; confirm?: boolean } }>('/api/run/pace', { schema: { body: paceBody } }, async (request) => {
    const b = request.body;
    if (b.kind === 'fast' && b.factor !== undefined) throw new TwinloopError('HMI_BAD_REQUEST', "body/factor is only allowed with kind 'realtime'");
    const pace: Pace = b.kind === 'realtime' ? { kind: 'realtime', factor: b.factor! } : { kind: 'fast' };
    return act(request, { action: 'run.pace', old: run.status().pace, new: pace, confirm: true }, () => run.setPace(pace));
  });
}
