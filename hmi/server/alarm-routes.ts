// The alarm API: GET /api/alarms (current alarms, filterable), GET /api/alarms/history, GET
// /api/alarms/kpi (viewer); POST /api/alarms/:id/ack, /shelve, /unshelve, /comment (operator)
// and /out-of-service, /return-to-service (engineer). Every POST needs a note and goes through the
// audit path (privileged.ts): the attempt is on disk before the alarm changes. Alarm actions do
// not write to the line, so they are allowed in shadow mode (where alarms matter most).
// The manager's errors keep their codes; their HTTP status is chosen here.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../core/audit/audit-record.ts';
import type { AlarmManager, OperatorAction } from '../../core/alarms/alarm-manager.ts';
import { MAX_NOTE } from '../../core/alarms/alarm-manager.ts';
import { ALARM_STATES, type AlarmState } from '../../core/alarms/alarm-state.ts';
import type { AlarmSource } from '../../core/alarms/alarm-sink.ts';
import type { AlarmView } from '../../core/alarms/alarm-view.ts';
import { isTwinloopError, TwinloopError, type ErrorCode } from '../../core/errors.ts';
import type { ServerContext } from './context.ts';
import type { ApiError } from './http-errors.ts';
import { carryOut } from './privileged.ts';
import { idParam } from './id-param.ts';

/** Body of GET /api/alarms. */
export interface AlarmsResponse {
  /** Bumped on every alarm transition. */
  version: number;
  /** The manager's clock now (ms), for "since" texts. */
  now: number;
  journalHealthy: boolean;
  alarms: AlarmView[];
}

/** Longest shelve the API accepts, in minutes (the manager's own maximum may be lower). */
const MAX_SHELVE_MIN = 24 * 60;

// The audit action of each operator action (core/audit/audit-record.ts's closed list).
const AUDIT: Readonly<Record<ActionName, AuditAction>> = {
  ack: 'alarm.ack',
  shelve: 'alarm.shelve',
  unshelve: 'alarm.unshelve',
  'out-of-service': 'alarm.out-of-service',
  'return-to-service': 'alarm.return-to-service',
  // The same action as OPC UA's AddComment (core/integration/opcua-server/alarm-methods.ts).
  comment: 'alarm.comment',
};
type ActionName = 'ack' | 'shelve' | 'unshelve' | 'out-of-service' | 'return-to-service' | 'comment';

// Status by the manager's codes (http-errors.ts maps the server's own; these are the alarm ones).
const STATUS: Partial<Record<ErrorCode, number>> = { ALARM_UNKNOWN: 404, ALARM_STATE: 409, ALARM_INVALID: 400, ALARM_JOURNAL: 503 };

const note = { type: 'string', minLength: 1, maxLength: MAX_NOTE, pattern: '\\S' } as const;
const noteBody = { type: 'object', required: ['note'], properties: { note }, additionalProperties: false } as const;
const shelveBody = {
  type: 'object',
  required: ['note', 'minutes'],
  properties: { note, minutes: { type: 'number', exclusiveMinimum: 0, maximum: MAX_SHELVE_MIN } },
  additionalProperties: false,
} as const;

const listQuery = {
  type: 'object',
  properties: {
    state: { type: 'string', enum: [...ALARM_STATES] },
    priority: { type: 'string', enum: ['1', '2', '3', '4'] },
    source: { type: 'string', enum: ['deviation', 'communication', 'maintenance', 'process'] },
    all: { type: 'string', enum: ['true', 'false'] },
  },
  additionalProperties: false,
} as const;

const num = { type: 'string', pattern: '^-?[0-9]{1,16}(\\.[0-9]{1,6})?$' } as const;
const historyQuery = {
  type: 'object',
  properties: { from: num, to: num, limit: { type: 'string', pattern: '^[0-9]{1,5}$' }, alarm: { type: 'string', pattern: '^[0-9]{1,9}$' } },
  additionalProperties: false,
} as const;
const kpiQuery = { type: 'object', properties: { from: num, to: num }, additionalProperties: false } as const;

export function alarmRoutes(app: FastifyInstance, ctx: ServerContext, alarms: AlarmManager): void {
  app.get<{ Querystring: { state?: AlarmState; priority?: string; source?: AlarmSource; all?: string } }>('/api/alarms', { schema: { querystring: listQuery } }, async (request): Promise<AlarmsResponse> => {
    alarms.poll(); // expiries are due whether or not the owner polled lately
    const q = request.query;
    const list = alarms.list({
      ...(q.state !== undefined ? { state: q.state } : {}),
      ...(q.priority !== undefined ? { priority: Number(q.priority) } : {}),
      ...(q.source !== undefined ? { source: q.source } : {}),
      all: q.all === 'true',
    });
    return { version: alarms.version, now: alarms.now, journalHealthy: alarms.journalHealthy, alarms: list };
  });

  app.get<{ Querystring: { from?: string; to?: string; limit?: string; alarm?: string } }>('/api/alarms/history', { schema: { querystring: historyQuery } }, async (request) => {
    const q = request.query;
    const events = alarms.history({
      ...(q.from !== undefined ? { from: Number(q.from) } : {}),
      ...(q.to !== undefined ? { to: Number(q.to) } : {}),
      ...(q.limit !== undefined ? { limit: Number(q.limit) } : {}),
      ...(q.alarm !== undefined ? { alarmId: Number(q.alarm) } : {}),
    });
    return { events };
  });

  app.get<{ Querystring: { from?: string; to?: string } }>('/api/alarms/kpi', { schema: { querystring: kpiQuery } }, async (request) => {
    const q = request.query;
    return alarms.kpi({ ...(q.from !== undefined ? { from: Number(q.from) } : {}), ...(q.to !== undefined ? { to: Number(q.to) } : {}) });
  });

  const action = (name: ActionName, body: typeof noteBody | typeof shelveBody, run: (id: number, by: OperatorAction, minutes: number) => AlarmView): void => {
    app.post<{ Params: { id: string }; Body: { note: string; minutes?: number } }>(`/api/alarms/:id/${name}`, { schema: { params: idParam, body } }, async (request, reply) => {
      const id = Number(request.params.id);
      const target = alarms.get(id);
      const by = { user: request.identity?.user ?? 'unknown', note: request.body.note.trim() };
      const minutes = request.body.minutes ?? 0;
      try {
        // Unknown: 404 before anything is audited (there is nothing to act on).
        if (target === undefined) throw new TwinloopError('ALARM_UNKNOWN', `no alarm with id ${id}`);
        return await carryOut(
          ctx,
          request,
          { action: AUDIT[name], target: target.key, old: { state: target.state }, new: { action: name, note: by.note, ...(name === 'shelve' ? { minutes } : {}) } },
          async () => run(id, by, minutes),
        );
      } catch (err) {
        return sendAlarmError(request, reply, err);
      }
    });
  };
  action('ack', noteBody, (id, by) => alarms.acknowledge(id, by));
  action('shelve', shelveBody, (id, by, minutes) => alarms.shelve(id, by, minutes * 60_000));
  action('unshelve', noteBody, (id, by) => alarms.unshelve(id, by));
  action('out-of-service', noteBody, (id, by) => alarms.removeFromService(id, by));
  action('return-to-service', noteBody, (id, by) => alarms.returnToService(id, by));
  action('comment', noteBody, (id, by) => alarms.comment(id, by));
}

function sendAlarmError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const code = isTwinloopError(err) ? err.code : undefined;
  const status = code !== undefined ? STATUS[code] : undefined;
  if (code === undefined || status === undefined) throw err; // the server's own handler answers
  if (status >= 500) request.log.error({ err }, 'alarm action failed');
  const body: ApiError = { error: code, message: (err as Error).message };
  return reply.code(status).send(body);
}
