// What the routes of one server share: the run, its catalog, the installation's auth and the
// audit log. Passed explicitly (no module-level state), one per createServer().

import type { AuditLog } from '../../core/audit/audit-log.ts';
import type { Auth } from '../../core/auth/auth.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import type { CatalogEntry } from '../protocol.ts';
import type { DenialBudget } from './denial-budget.ts';
import type { RefusalDigest } from './refusal-digest.ts';
import type { ScrapeAccess } from './metrics-routes.ts';

export interface ServerContext {
  readonly run: RunControl;
  readonly catalog: readonly CatalogEntry[];
  readonly auth: Auth;
  readonly audit: AuditLog;
  /** Cookie name; `__Host-` prefixed (and Secure) when served over TLS. */
  readonly cookieName: string;
  readonly tls: boolean;
  /** Rate budget for audit records of refused requests (each is an fsync). */
  readonly denials: DenialBudget;
  /** Anonymous refusals, recorded first-per-window and counted (refusal-digest.ts). */
  readonly refusals: RefusalDigest;
  /** Who may read /metrics without a session (the scrape token, or metrics.public). */
  readonly scrape: ScrapeAccess;
  /** Called after every run control action so the publisher sends a status frame. */
  statusChanged(): void;
}
