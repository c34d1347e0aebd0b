// The running model's version and sign-off (issue 20): GET /api/model (viewer) says which
// version runs and whether it is signed off; GET /api/model/report (viewer) serves the last
// signed-off validation report (its HTML twin beside the JSON, else the JSON) under the
// scenario reports' strict CSP; POST /api/model/sign-off (engineer, confirmed, audited) signs
// off the running model's files with a report. The report must be a .json file inside the data
// folder (where `model validate --out` can write it) or the last signed-off one: a client never
// makes the server read a file of its choosing elsewhere.

import { existsSync, readFileSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TwinloopError } from '../../core/errors.ts';
import type { ModelGate, ModelRunInfo } from '../../core/model/model-gate.ts';
import { auditSubject, signOff } from '../../core/model/sign-off.ts';
import { modelVersion } from '../../core/model/model-version.ts';
import { readReportVerdicts } from '../../core/model/report-verdicts.ts';
import type { ServerContext } from './context.ts';
import { carryOut } from './privileged.ts';

const signOffBody = {
  type: 'object',
  properties: { confirm: { type: 'boolean' }, report: { type: 'string', minLength: 1, maxLength: 500, pattern: '\\.json$' } },
  additionalProperties: false,
} as const;

const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

export function modelRoutes(app: FastifyInstance, ctx: ServerContext, gate: ModelGate | undefined, dataDir: string): void {
  const noGate = (): TwinloopError => new TwinloopError('HMI_NOT_FOUND', 'this run has no model to sign off: no model gate (only a shadow run with a plant file compares a model with the line)');

  app.get('/api/model', async (): Promise<{ model: ModelRunInfo | null }> => ({ model: gate?.refresh() ?? null }));

  app.get('/api/model/report', async (_request, reply) => {
    const json = gate?.reportPath ?? null;
    if (json === null) throw new TwinloopError('HMI_NOT_FOUND', 'no validation report has been signed off for this model');
    const html = json.replace(/\.json$/, '.html');
    reply.header('content-security-policy', REPORT_CSP);
    if (html !== json && existsSync(html)) return reply.type('text/html; charset=utf-8').send(readFileSync(html));
    return reply.type('application/json; charset=utf-8').send(readFileSync(json));
  });

  app.post<{ Body: { confirm?: boolean; report?: string } }>('/api/model/sign-off', { schema: { body: signOffBody } }, async (request) => {
    if (gate === undefined) throw noGate();
    let report = gate.reportPath;
    if (request.body.report !== undefined) {
      const root = resolve(dataDir) + sep;
      const asked = resolve(dataDir, request.body.report);
      if (!asked.startsWith(root)) throw new TwinloopError('HMI_BAD_REQUEST', 'report must be a .json file inside the data folder');
      report = asked;
    }
    if (report === null) throw new TwinloopError('HMI_BAD_REQUEST', 'no report to sign off with: give report (a validation report .json inside the data folder)');
    const files = gate.files;
    // Read before the audit, so the attempt record carries the version and the report's verdicts.
    const verdicts = readReportVerdicts(report);
    const version = modelVersion({ ...files, report }).version;
    const subject = { version, verdict: verdicts.verdict, signals: verdicts.signals, report };
    const rec = await carryOut(ctx, request, { action: 'model.sign-off', target: `${files.line} + ${files.plant}`, new: subject, confirm: true }, async () =>
      signOff({ dataDir, ...files, report, by: request.identity?.user ?? 'unknown', role: request.identity?.role ?? null, from: 'hmi' }),
    );
    request.log.info({ model: auditSubject(rec) }, 'model signed off');
    const info = gate.refresh();
    ctx.statusChanged();
    return { model: info };
  });
}
