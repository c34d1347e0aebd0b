// How a privileged action is carried out: refused in shadow/replay when it writes; refused
// without its explicit confirmation; then an `attempt` record is written and fsync'd to the
// audit log BEFORE the action runs (no record, no action: AUDIT_UNAVAILABLE), and its outcome
// (`ok` / `failed`) after. The role was already checked by the auth hook.

import type { FastifyRequest } from 'fastify';
import type { AuditAction } from '../../core/audit/audit-record.ts';
import { isTwinloopError, TwinloopError } from '../../core/errors.ts';
import { auditDenied, clientAddress } from './auth-hook.ts';
import type { ServerContext } from './context.ts';

export interface PrivilegedAction {
  readonly action: AuditAction;
  readonly target?: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** Needs the explicit confirmation. */
  readonly confirm?: boolean;
  /** Changes what the line does: refused unless the run is in virtual mode. */
  readonly write?: boolean;
}

export const CONFIRM_HEADER = 'x-twinloop-confirm';

/** True when the request confirms: body `confirm: true` or header `x-twinloop-confirm: true`. */
export function confirmed(request: FastifyRequest): boolean {
  const body = request.body as { confirm?: unknown } | null | undefined;
  if (typeof body === 'object' && body !== null && body.confirm === true) return true;
  return request.headers[CONFIRM_HEADER] === 'true';
}

/** Run `fn` as an audited privileged action. @throws TwinloopError RUN_MODE_READONLY, HMI_CONFIRM_REQUIRED, AUDIT_UNAVAILABLE, or fn's error */
export async function carryOut<T>(ctx: ServerContext, request: FastifyRequest, a: PrivilegedAction, fn: () => Promise<T>): Promise<T> {
  const refuse = (code: 'RUN_MODE_READONLY' | 'HMI_CONFIRM_REQUIRED', message: string): never => {
    auditDenied(ctx, request, a.action, code, message, a.target);
    throw new TwinloopError(code, message);
  };
  if (a.write === true) {
    const mode = ctx.run.status().mode;
    if (mode !== 'virtual') refuse('RUN_MODE_READONLY', `the run is in ${mode} mode; it does not write, force or inject faults`);
  }
  if (a.confirm === true && !confirmed(request)) refuse('HMI_CONFIRM_REQUIRED', `${a.action} needs confirm: true in the body or the header ${CONFIRM_HEADER}: true`);
  const who = { user: request.identity?.user ?? null, role: request.identity?.role ?? null, from: clientAddress(request) };
  const subject = { ...(a.target !== undefined ? { target: a.target } : {}), ...(a.old !== undefined ? { old: a.old } : {}), ...(a.new !== undefined ? { new: a.new } : {}) };
  // Write-ahead: throws AUDIT_UNAVAILABLE, and then nothing happens.
  const attempt = ctx.audit.append({ action: a.action, ...who, ...subject, result: 'attempt' });
  let result: T;
  try {
    result = await fn();
  } catch (err) {
    outcome(ctx, request, { action: a.action, ...who, ...subject, result: 'failed', ref: attempt.seq, code: isTwinloopError(err) ? err.code : 'HMI_INTERNAL', detail: (err as Error).message });
    throw err;
  }
  outcome(ctx, request, { action: a.action, ...who, ...subject, result: 'ok', ref: attempt.seq });
  return result;
}

function outcome(ctx: ServerContext, request: FastifyRequest, entry: Parameters<ServerContext['audit']['append']>[0]): void {
  try {
    ctx.audit.append(entry);
  } catch (err) {
    // The attempt is on record; the action already happened (or failed). Say so loudly.
    request.log.error({ err, seq: entry.ref }, 'audit outcome record could not be written');
  }
}
