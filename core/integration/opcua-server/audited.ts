// How an OPC UA client's privileged action is carried out: the same write-ahead audit as the
// HMI's (hmi/server/privileged.ts): an `attempt` record is durable BEFORE the action runs (no
// record, no action: AUDIT_UNAVAILABLE), its outcome (`ok` / `failed`) after, and refusals are
// recorded as `denied`, within a budget so that a client looping on a refused write cannot
// turn the audit log into an fsync flood. `from` is "<address> opcua".

import type { ISessionContext } from 'node-opcua';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { AuditAction, AuditEntry } from '../../audit/audit-record.ts';
import type { Role } from '../../auth/roles.ts';
import { isTwinloopError, type ErrorCode } from '../../errors.ts';
import type { UserCheck } from './user-check.ts';

/** Who calls: the session's user (null when anonymous), their role now, and where from. */
export interface OpcuaCaller {
  readonly user: string | null;
  readonly role: Role | null;
  readonly from: string;
}

export interface AuditedAction {
  readonly action: AuditAction;
  readonly target?: string;
  readonly old?: unknown;
  readonly new?: unknown;
}

/** Denied records per second; the ones over it are counted into the next record. */
const DENIALS_PER_SECOND = 10;

export class OpcuaAudit {
  readonly #audit: AuditLog;
  readonly #users: UserCheck;
  #windowStart = 0;
  #inWindow = 0;
  #skipped = 0;

  constructor(audit: AuditLog, users: UserCheck) {
    this.#audit = audit;
    this.#users = users;
  }

  callerOf(context: ISessionContext | null | undefined): OpcuaCaller {
    const session = context?.session;
    const token = session?.userIdentityToken as { userName?: unknown } | undefined;
    const user = typeof token?.userName === 'string' && token.userName !== '' ? token.userName : null;
    const channel = session?.channel as { remoteAddress?: unknown } | undefined;
    const address = typeof channel?.remoteAddress === 'string' ? channel.remoteAddress.replace(/^::ffff:/, '') : 'unknown';
    return { user, role: user !== null ? (this.#users.roleOf(user) ?? null) : null, from: `${address} opcua` };
  }

  /**
   * Run `fn` (synchronous: the alarm manager and the attempt record are) as an audited action.
   * @throws TwinloopError AUDIT_UNAVAILABLE (nothing was done), or fn's error (recorded as failed)
   */
  carryOut<T>(caller: OpcuaCaller, a: AuditedAction, fn: () => T): T {
    const subject = this.#subject(caller, a);
    const attempt = this.#audit.append({ ...subject, result: 'attempt' });
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.#outcome({ ...subject, result: 'failed', ref: attempt.seq, code: isTwinloopError(err) ? err.code : 'HMI_INTERNAL', detail: (err as Error).message });
      throw err;
    }
    this.#outcome({ ...subject, result: 'ok', ref: attempt.seq });
    return result;
  }

  /** As carryOut, for an action that completes later (a force reaches the worker asynchronously). */
  async carryOutAsync<T>(caller: OpcuaCaller, a: AuditedAction, fn: () => Promise<T>): Promise<T> {
    const subject = this.#subject(caller, a);
    const attempt = this.#audit.append({ ...subject, result: 'attempt' });
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.#outcome({ ...subject, result: 'failed', ref: attempt.seq, code: isTwinloopError(err) ? err.code : 'HMI_INTERNAL', detail: (err as Error).message });
      throw err;
    }
    this.#outcome({ ...subject, result: 'ok', ref: attempt.seq });
    return result;
  }

  /** Record a refusal; never throws (a refusal stands whether or not it could be recorded). */
  denied(caller: OpcuaCaller, action: AuditAction, code: ErrorCode, detail: string, target?: string): void {
    const now = Date.now();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#inWindow = 0;
    }
    if (this.#inWindow >= DENIALS_PER_SECOND) {
      this.#skipped++;
      return;
    }
    this.#inWindow++;
    const more = this.#skipped > 0 ? ` (and ${this.#skipped} earlier OPC UA denials not recorded: over the denial budget)` : '';
    this.#skipped = 0;
    try {
      this.#audit.append({ action, user: caller.user, role: caller.role, from: caller.from, result: 'denied', code, detail: detail + more, ...(target !== undefined ? { target } : {}) });
    } catch {
      // The log is unwritable: the refusal stands; the log's own health reports the failure.
    }
  }

  #subject(caller: OpcuaCaller, a: AuditedAction): Omit<AuditEntry, 'result'> {
    return {
      action: a.action,
      user: caller.user,
      role: caller.role,
      from: caller.from,
      ...(a.target !== undefined ? { target: a.target } : {}),
      ...(a.old !== undefined ? { old: a.old } : {}),
      ...(a.new !== undefined ? { new: a.new } : {}),
    };
  }

  #outcome(entry: AuditEntry): void {
    try {
      this.#audit.append(entry);
    } catch {
      // The attempt is on record; the action already happened (or failed).
    }
  }
}
