// Scenario runs from the HMI: list the scenario files of the server's scenario folder (viewer),
// start one (engineer; it runs in a one-thread pool on its own model, never touching the live
// run), watch the runs' progress (viewer) and open a finished run's HTML report (viewer). The
// report is served under its own strict CSP: no script at all, inline styles only.

import { basename } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TwinloopError } from '../../core/errors.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';
import { programs } from '../../plc-adapters/sim/sim-adapter.ts';
import { ScenarioRuns, type ScenarioEntry, type ScenarioRunView } from '../../core/scenario/scenario-runs.ts';
import { idParam } from './id-param.ts';

const startBody = {
  type: 'object',
  required: ['file'],
  properties: {
    file: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+\\.ya?ml$' },
    program: { type: 'string', minLength: 1, maxLength: 100 },
  },
  additionalProperties: false,
} as const;

const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

export function scenarioRoutes(app: FastifyInstance, ctx: ServerContext, runs: ScenarioRuns): void {
  app.addHook('onClose', async () => runs.close());

  // The folder's name only: an absolute server path tells a viewer about the host, not the line.
  app.get('/api/scenarios', async (): Promise<{ dir: string; scenarios: ScenarioEntry[]; programs: string[] }> => ({ dir: basename(runs.dir), scenarios: runs.list(), programs: Object.keys(programs) }));

  app.get('/api/scenarios/runs', async (): Promise<{ runs: ScenarioRunView[] }> => ({ runs: runs.views() }));

  app.post<{ Body: { file: string; program?: string } }>('/api/scenarios/runs', { schema: { body: startBody } }, async (request, reply) => {
    const { file, program } = request.body;
    if (program !== undefined && !Object.hasOwn(programs, program)) throw new TwinloopError('HMI_BAD_REQUEST', `unknown built-in program ${JSON.stringify(program)}; known: ${Object.keys(programs).join(', ')}`);
    // Audited like every engineer action, though it never touches the live run.
    const view = await carryOut(ctx, request, { action: 'scenario.run', target: file, ...(program !== undefined ? { new: { program } } : {}) }, async () => runs.start(file, request.identity?.user ?? null, program));
    request.log.info({ scenario: file, program, run: view.id, user: view.user }, 'scenario run queued');
    return reply.code(201).send(view);
  });

  app.get<{ Params: { id: string } }>('/api/scenarios/runs/:id', { schema: { params: idParam } }, async (request) => {
    const view = runs.view(Number(request.params.id));
    if (!view) throw new TwinloopError('HMI_NOT_FOUND', `no scenario run ${request.params.id}`);
    return view;
  });

  app.get<{ Params: { id: string } }>(
    '/api/scenarios/runs/:id/report',
    {
      schema: { params: idParam },
      // Runs after the server-wide headers hook: the report's own, stricter policy wins.
      onSend: async (_request, reply, payload) => {
        reply.header('content-security-policy', REPORT_CSP);
        return payload;
      },
    },
    async (request, reply) => reply.type('text/html; charset=utf-8').send(runs.report(Number(request.params.id))),
  );
}
