// GET /api/audit (admin): the audit log, checked (torn lines, hash chain, signed head), as JSON
// one page at a time (the newest `limit` records, or those before `before`; the answer's `next`
// asks for the page before), or exported whole as JSONL or CSV, streamed from the file in
// chunks with a download file name. The file is never read into memory whole.

import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { auditPage, csvChunks, jsonlChunks } from '../../core/audit/audit-export.ts';
import type { AuditRecord } from '../../core/audit/audit-record.ts';
import { clientAddress } from './auth-hook.ts';
import type { ServerContext } from './context.ts';

export interface AuditResponse {
  records: AuditRecord[];
  /** Records in the whole log. */
  total: number;
  torn: number;
  chainBrokenAt: number | null;
  /** Why the log does not match its signed head (cut off or rewritten), found at open. */
  broken: string | null;
  healthy: boolean;
  /** Pass as `before` for the previous page; null at the start of the log. */
  next: number | null;
}

export const AUDIT_PAGE_DEFAULT = 200;
export const AUDIT_PAGE_MAX = 1000;

const querySchema = {
  type: 'object',
  properties: {
    format: { type: 'string', enum: ['json', 'jsonl', 'csv'] },
    limit: { type: 'string', pattern: '^[0-9]{1,6}$' },
    before: { type: 'string', pattern: '^[0-9]{1,15}$' },
  },
  additionalProperties: false,
} as const;

export function auditRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get<{ Querystring: { format?: 'json' | 'jsonl' | 'csv'; limit?: string; before?: string } }>('/api/audit', { schema: { querystring: querySchema } }, async (request, reply) => {
    const format = request.query.format ?? 'json';
    try {
      ctx.audit.append({ action: 'audit.export', user: request.identity?.user ?? null, role: request.identity?.role ?? null, from: clientAddress(request), result: 'ok', detail: format });
    } catch (err) {
      request.log.error({ err }, 'audit of an audit read failed');
    }
    if (format === 'jsonl') return reply.type('application/x-ndjson').header('content-disposition', 'attachment; filename="audit.jsonl"').send(Readable.from(jsonlChunks(ctx.audit.path)));
    if (format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="audit.csv"').send(Readable.from(csvChunks(ctx.audit.path)));
    const limit = Math.max(1, Math.min(AUDIT_PAGE_MAX, Number(request.query.limit ?? AUDIT_PAGE_DEFAULT)));
    const before = request.query.before !== undefined ? Number(request.query.before) : undefined;
    const page = auditPage(ctx.audit.path, limit, before);
    const body: AuditResponse = {
      records: page.records,
      total: page.total,
      torn: page.torn,
      chainBrokenAt: page.chainBrokenAt ?? null,
      broken: ctx.audit.broken ?? null,
      healthy: ctx.audit.healthy,
      next: page.next ?? null,
    };
    return body;
  });
}
