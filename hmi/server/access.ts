// THE role matrix: one table saying which role each REST route and each WebSocket message type
// needs, and which of them are privileged (audited before they act, confirmed, refused in
// shadow/replay). The auth hook enforces it on every request, server.ts refuses to register a
// route that is missing from it (fail closed, at start), the tests are generated from it, and
// docs/security.md publishes it. Roles are ordered: a rule's role or any above it is allowed.

import type { AuditAction } from '../../core/audit/audit-record.ts';
import type { Role } from '../../core/auth/roles.ts';
import type { ClientMessage } from '../protocol.ts';

/** 'public': no login needed (the page, login itself, liveness). */
export type Need = 'public' | Role;

export interface RouteRule {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify's route pattern, e.g. /api/faults/:id */
  readonly url: string;
  readonly need: Need;
  /** Audited action: denials are recorded, and the handler writes attempt/outcome records. */
  readonly audit?: AuditAction;
  /** Needs `confirm: true` in the body or the header `x-twinloop-confirm: true`. */
  readonly confirm?: boolean;
  /** Changes what the line does: refused when the run is in shadow or replay mode. */
  readonly write?: boolean;
  /** Also open to a scraper with the scrape token, or to anyone when metrics are public (metrics-routes.ts). */
  readonly scrape?: boolean;
  readonly what: string;
}

export interface MessageRule {
  readonly t: ClientMessage['t'];
  readonly need: Role;
  readonly what: string;
}

export const ROUTE_MATRIX: readonly RouteRule[] = [
  { method: 'GET', url: '/*', need: 'public', what: 'the page and its static files (login form when not logged in)' },
  { method: 'GET', url: '/api/live', need: 'public', what: 'liveness probe: { ok: true }, nothing else' },
  { method: 'GET', url: '/api/session', need: 'public', what: 'who is logged in (or whether first-start setup is pending)' },
  { method: 'POST', url: '/api/login', need: 'public', audit: 'login', what: 'log in with name and password (rate-limited)' },
  { method: 'POST', url: '/api/logout', need: 'public', audit: 'logout', what: 'end the session' },
  { method: 'POST', url: '/api/setup', need: 'public', audit: 'setup', what: 'create the first admin with the one-time setup token' },
  { method: 'GET', url: '/ws', need: 'viewer', what: 'the live WebSocket (auth checked at upgrade)' },
  { method: 'GET', url: '/api/health', need: 'viewer', what: 'run status' },
  { method: 'GET', url: '/metrics', need: 'viewer', scrape: true, what: 'Prometheus metrics; also with the scrape token, or to anyone when metrics.public' },
  { method: 'GET', url: '/api/signals', need: 'viewer', what: 'signal catalog with values' },
  { method: 'GET', url: '/api/layout', need: 'viewer', what: 'mimic layout' },
  { method: 'GET', url: '/api/schema/line', need: 'viewer', what: 'line-file JSON schema' },
  { method: 'GET', url: '/api/faults', need: 'viewer', what: 'active faults' },
  { method: 'GET', url: '/api/kpi', need: 'viewer', what: 'production KPIs: OEE and its factors, throughput, good/reject, kWh per unit, state shares and bottleneck, per station and line' },
  { method: 'GET', url: '/api/kpi/csv', need: 'viewer', what: 'the production KPIs of the run so far as CSV' },
  { method: 'POST', url: '/api/run/pause', need: 'engineer', audit: 'run.pause', what: 'pause the model' },
  { method: 'POST', url: '/api/run/resume', need: 'engineer', audit: 'run.resume', what: 'resume the model' },
  { method: 'POST', url: '/api/run/step', need: 'engineer', audit: 'run.step', what: 'step a paused model' },
  { method: 'POST', url: '/api/run/reset', need: 'engineer', audit: 'run.reset', confirm: true, what: 'reset the model to its initial state' },
  { method: 'PUT', url: '/api/run/pace', need: 'engineer', audit: 'run.pace', confirm: true, what: 'change the pace' },
  { method: 'POST', url: '/api/signals/:name/force', need: 'engineer', audit: 'signal.force', confirm: true, write: true, what: 'force a signal to a value' },
  { method: 'DELETE', url: '/api/signals/:name/force', need: 'engineer', audit: 'signal.release', confirm: true, write: true, what: 'release a forced signal' },
  { method: 'DELETE', url: '/api/forces', need: 'engineer', audit: 'signal.release', confirm: true, write: true, what: 'release every forced signal (each audited as signal.release)' },
  { method: 'POST', url: '/api/faults', need: 'engineer', audit: 'fault.inject', confirm: true, write: true, what: 'inject a fault' },
  { method: 'DELETE', url: '/api/faults/:id', need: 'engineer', audit: 'fault.clear', confirm: true, write: true, what: 'clear a fault' },
  { method: 'GET', url: '/api/program', need: 'viewer', what: "the ST program's state (RUN/STOP, the fault that stopped it) and its active forces" },
  { method: 'GET', url: '/api/program/vars', need: 'viewer', what: "the ST program's variables below a path, with values (?path=MAIN.t1)" },
  { method: 'POST', url: '/api/program/vars', need: 'engineer', audit: 'program.write', confirm: true, write: true, what: 'write a program variable once, or force it (force: true; audited as program.force)' },
  { method: 'DELETE', url: '/api/program/forces', need: 'engineer', audit: 'program.release', confirm: true, write: true, what: 'release a forced program variable, or all (no path)' },
  { method: 'GET', url: '/api/alarms', need: 'viewer', what: 'current alarms with state, priority, cause and since (?state, ?priority, ?source, ?all)' },
  { method: 'GET', url: '/api/alarms/history', need: 'viewer', what: 'alarm journal events, newest first (?from, ?to, ?limit, ?alarm)' },
  { method: 'GET', url: '/api/alarms/kpi', need: 'viewer', what: 'ISA-18.2 alarm KPIs (?from, ?to)' },
  { method: 'POST', url: '/api/alarms/:id/ack', need: 'operator', audit: 'alarm.ack', what: 'acknowledge an alarm, with a note' },
  { method: 'POST', url: '/api/alarms/:id/shelve', need: 'operator', audit: 'alarm.shelve', what: 'shelve an alarm for some minutes, with a note' },
  { method: 'POST', url: '/api/alarms/:id/unshelve', need: 'operator', audit: 'alarm.unshelve', what: 'unshelve an alarm, with a note' },
  { method: 'POST', url: '/api/alarms/:id/comment', need: 'operator', audit: 'alarm.comment', what: 'comment on an alarm (journaled, no state change)' },
  { method: 'POST', url: '/api/alarms/:id/out-of-service', need: 'engineer', audit: 'alarm.out-of-service', what: 'take an alarm out of service, with a note' },
  { method: 'POST', url: '/api/alarms/:id/return-to-service', need: 'engineer', audit: 'alarm.return-to-service', what: 'return an alarm to service, with a note' },
  { method: 'GET', url: '/api/recordings', need: 'viewer', what: 'list recordings: id, line, start, end, size, signal count' },
  { method: 'GET', url: '/api/recordings/:id', need: 'viewer', what: "a recording's summary, catalog and mimic layout" },
  { method: 'GET', url: '/api/recordings/:id/frame', need: 'viewer', what: 'every value of a recording at a time (?t, ?format=json|msgpack)' },
  { method: 'GET', url: '/api/recordings/:id/series', need: 'viewer', what: 'decimated series of some signals for trends (?signals, ?from, ?to, ?max)' },
  { method: 'GET', url: '/api/recordings/:id/csv', need: 'viewer', what: 'CSV export of a time range and signal subset (?from, ?to, ?signals, ?quality)' },
  { method: 'GET', url: '/api/scenarios', need: 'viewer', what: 'scenario files of the server\'s scenario folder, and the built-in programs' },
  { method: 'GET', url: '/api/scenarios/runs', need: 'viewer', what: 'scenario runs started from the HMI, newest first, with progress and verdicts' },
  { method: 'POST', url: '/api/scenarios/runs', need: 'engineer', audit: 'scenario.run', what: 'run a scenario file (on its own model in a worker; the live run is untouched)' },
  { method: 'GET', url: '/api/scenarios/runs/:id', need: 'viewer', what: 'one scenario run: progress, step and KPI verdicts' },
  { method: 'GET', url: '/api/scenarios/runs/:id/report', need: 'viewer', what: "a finished scenario run's HTML report" },
  { method: 'GET', url: '/api/sweeps', need: 'viewer', what: "sweep files of the scenario folder's sweeps/" },
  { method: 'GET', url: '/api/sweeps/runs', need: 'viewer', what: 'sweeps run from the HMI, newest first, with progress in points' },
  { method: 'POST', url: '/api/sweeps/runs', need: 'engineer', audit: 'sweep.run', what: 'run a sweep file (its points one at a time in a worker; the live run is untouched)' },
  { method: 'GET', url: '/api/sweeps/runs/:id/report', need: 'viewer', what: "a finished sweep's what-if report (?a=N&b=M: those two points side by side)" },
  { method: 'GET', url: '/api/model', need: 'viewer', what: 'the running model version and whether it is signed off (issue 20)' },
  { method: 'GET', url: '/api/model/report', need: 'viewer', what: 'the last signed-off validation report of the running model (HTML, else JSON)' },
  { method: 'POST', url: '/api/model/sign-off', need: 'engineer', audit: 'model.sign-off', confirm: true, what: "sign off the running model's version with a validation report (body report: a .json in the data folder, default the last one)" },
  { method: 'GET', url: '/api/audit', need: 'admin', audit: 'audit.export', what: 'read or export the audit log (?format=json, jsonl or csv)' },
  { method: 'GET', url: '/api/users', need: 'admin', what: 'list users' },
  { method: 'POST', url: '/api/users', need: 'admin', audit: 'user.add', what: 'add a user' },
  { method: 'PUT', url: '/api/users/:name', need: 'admin', audit: 'user.passwd', what: "change a user's role or password (ends their sessions)" },
  { method: 'DELETE', url: '/api/users/:name', need: 'admin', audit: 'user.remove', what: 'remove a user (ends their sessions)' },
];

export const MESSAGE_MATRIX: readonly MessageRule[] = [
  { t: 'ping', need: 'viewer', what: 'application round trip' },
  { t: 'subscribe', need: 'viewer', what: "choose signals (only 'all' is served)" },
];

const byKey = new Map<string, RouteRule>(ROUTE_MATRIX.map((r) => [`${r.method} ${r.url}`, r]));
const byType = new Map<string, MessageRule>(MESSAGE_MATRIX.map((m) => [m.t, m]));

/** The rule of a route; HEAD is answered like GET. Undefined = not in the matrix = denied. */
export function routeRule(method: string, url: string): RouteRule | undefined {
  return byKey.get(`${method === 'HEAD' ? 'GET' : method} ${url}`);
}

export function messageRule(t: string): MessageRule | undefined {
  return byType.get(t);
}
