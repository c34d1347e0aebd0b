// What-if sweeps from the HMI: list the sweep files (viewer), run one (engineer, audited; its
// points run one at a time in a worker on their own models, the live line untouched), watch the
// runs' progress in points (viewer) and open a finished run's report with the KPIs over the
// parameters, the Pareto front and two points side by side (viewer; `?a=N&b=M` picks the two).
// The report is served under its own strict CSP, as the scenario reports are.

import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TwinloopError } from '../../core/errors.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';
import { idParam } from './id-param.ts';
import type { SweepEntry, SweepRunView, SweepRuns } from '../../core/scenario/sweep-runs.ts';

const startBody = {
  type: 'object',
  required: ['file'],
  properties: { file: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+\\.ya?ml$' } },
  additionalProperties: false,
} as const;

const pairQuery = {
  type: 'object',
  // Strings: this server's validator does not coerce query values.
  properties: { a: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' }, b: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } },
  additionalProperties: false,
} as const;

const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

export function sweepRoutes(app: FastifyInstance, ctx: ServerContext, runs: SweepRuns): void {
  app.addHook('onClose', async () => runs.close());

  app.get('/api/sweeps', async (): Promise<{ dir: string; sweeps: SweepEntry[] }> => ({ dir: basename(runs.dir), sweeps: runs.list() }));

  app.get('/api/sweeps/runs', async (): Promise<{ runs: SweepRunView[] }> => ({ runs: runs.views() }));

  app.post<{ Body: { file: string } }>('/api/sweeps/runs', { schema: { body: startBody } }, async (request, reply) => {
    const { file } = request.body;
    const view = await carryOut(ctx, request, { action: 'sweep.run', target: file }, async () => runs.start(file, request.identity?.user ?? null));
    request.log.info({ sweep: file, run: view.id, user: view.user }, 'sweep run queued');
    return reply.code(201).send(view);
  });

  app.get<{ Params: { id: string }; Querystring: { a?: string; b?: string } }>(
    '/api/sweeps/runs/:id/report',
    {
      schema: { params: idParam, querystring: pairQuery },
      onSend: async (_request, reply, payload) => {
        reply.header('content-security-policy', REPORT_CSP);
        return payload;
      },
    },
    async (request, reply) => {
      const { a, b } = request.query;
      if ((a === undefined) !== (b === undefined)) throw new TwinloopError('HMI_BAD_REQUEST', 'side by side takes two points: ?a=N&b=M');
      return reply.type('text/html; charset=utf-8').send(runs.report(Number(request.params.id), a !== undefined && b !== undefined ? [Number(a), Number(b)] : undefined));
    },
  );
}
