// The shape of one audit record and its line format. One JSON object per line (JSONL); each
// record carries the SHA-256 of the previous one (`prev`) and its own (`hash`), so a removed or
// edited line breaks the chain where it happened (tamper-evident, not tamper-proof: whoever can
// rewrite the whole file can rewrite the chain).

import { createHash } from 'node:crypto';
import type { Role } from '../auth/roles.ts';

/** Every action that is audited. Closed list: a typo is a compile error. */
export const AUDIT_ACTIONS = [
  'login',
  'logout',
  'setup',
  'user.add',
  'user.passwd',
  'user.role',
  'user.remove',
  'run.pause',
  'run.resume',
  'run.step',
  'run.reset',
  'run.pace',
  'run.mode',
  'signal.write',
  'signal.force',
  'signal.release',
  'program.write',
  'program.force',
  'program.release',
  'fault.inject',
  'fault.clear',
  'alarm.ack',
  'alarm.shelve',
  'alarm.unshelve',
  'alarm.out-of-service',
  'alarm.return-to-service',
  // An alarm comment (POST /api/alarms/:id/comment or OPC UA AddComment): journaled, no state change.
  'alarm.comment',
  'scenario.run',
  'sweep.run',
  'audit.export',
  // An engineer signs off a model version (issue 20: core/model/sign-off.ts).
  'model.sign-off',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * attempt: written BEFORE a privileged action is carried out (write-ahead);
 * ok / failed: its outcome (ref = the attempt's seq); denied: refused before any effect.
 */
export type AuditResult = 'attempt' | 'ok' | 'failed' | 'denied';

/** What a caller gives; the log adds seq, time and the chain. */
export interface AuditEntry {
  readonly action: AuditAction;
  /** User name, or null for an anonymous request. */
  readonly user: string | null;
  readonly role: Role | null;
  /** Client address (and transport), e.g. "127.0.0.1 http". */
  readonly from: string;
  readonly result: AuditResult;
  /** What the action is about: a signal name, a fault id, a user name, a route. */
  readonly target?: string;
  readonly old?: unknown;
  readonly new?: unknown;
  /** Error code for denied/failed. */
  readonly code?: string;
  readonly detail?: string;
  /** seq of the attempt an outcome belongs to. */
  readonly ref?: number;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  /** ISO 8601 wall time. */
  readonly time: string;
  readonly prev: string;
  readonly hash: string;
}

/** Hash of a record without its own hash field: sha256 of its JSON, which includes `prev`. */
export function recordHash(rec: Omit<AuditRecord, 'hash'>): string {
  return createHash('sha256').update(JSON.stringify(rec)).digest('hex');
}

export const GENESIS = '0'.repeat(64);
