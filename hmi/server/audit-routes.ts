// GET /api/audit (admin): the audit log, checked (torn lines, hash chain), as JSON (the last
// `limit` records), or exported whole as JSONL or CSV with a download file name.

import type { FastifyInstance } from 'fastify';
import { readAudit, toCsv, toJsonl } from '../../core/audit/audit-export.ts';
import type { AuditRecord } from '../../core/audit/audit-record.ts';
import { clientAddress } from './auth-hook.ts';
import type { ServerContext } from './context.ts';

export interface AuditResponse {
  records: AuditRecord[];
  total: number;
  torn: number;
  chainBrokenAt: number | null;
  healthy: boolean;
}

const querySchema = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['json', 'jsonl', 'csv'] },
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
  },
  additionalProperties: false,
} as const;

export function auditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { format?: 'json' | 'jsonl' | 'csv'; limit?: string } }>('/api/audit', { schema: { querystring: querySchema } }, async (request, reply) => {
    const format = request.query.format ?? 'json';
    const read = readAudit(ctx.audit.path);
    try {
      ctx.audit.append({ action: 'audit.export', user: request.identity?.user ?? null, role: request.identity?.role ?? null, from: clientAddress(request), result: 'ok', detail: format });
    } catch (err) {
      request.log.error({ err }, 'audit of an audit read failed');
    }
    if (format === 'jsonl') return reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="audit.jsonl"').send(toJsonl(read.records));
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(toCsv(read.records));
    const limit = Math.min(100_000, Number(request.query.limit ?? 1000));
    const body: AuditResponse = {
      records: read.records.slice(-limit),
      total: read.records.length,
      torn: read.torn,
      chainBrokenAt: read.chainBrokenAt ?? null,
      healthy: ctx.audit.healthy,
    };
    return body;
  });
}
