// OPC UA Alarms & Conditions methods mapped onto the ISA-18.2 alarm manager: Acknowledge,
// TimedShelve and Unshelve call the manager with the audit record the HMI's alarm route writes
// (hmi/server/alarm-routes.ts: same action, target, old state, new action + note), write-ahead,
// so the journal and the audit log cannot tell the two paths apart except by `from`. AddComment
// is the manager's comment (no state change, a `comment` journal event), audited as
// `alarm.comment` like POST /api/alarms/:id/comment.
// node-opcua's own handlers are replaced: they would change the condition without the manager.
// The condition itself is then updated by the mirror (alarm-conditions.ts) from the manager.

import { LocalizedText, StatusCodes, type CallMethodResultOptions, type ISessionContext, type StatusCode, type Variant } from 'node-opcua';
import type { AlarmManager } from '../../alarms/alarm-manager.ts';
import type { AlarmView } from '../../alarms/alarm-view.ts';
import type { AuditAction } from '../../audit/audit-record.ts';
import { roleAtLeast } from '../../auth/roles.ts';
import { isTwinloopError, type ErrorCode } from '../../errors.ts';
import type { OpcuaAudit } from './audited.ts';

/** Which alarm a method call is about (the condition or its ShelvingState as ObjectId). */
export type AlarmResolver = (context: ISessionContext) => number | undefined;

const STATUS_OF_CODE: Partial<Record<ErrorCode, StatusCode>> = {
  ALARM_UNKNOWN: StatusCodes.BadNodeIdUnknown,
  ALARM_INVALID: StatusCodes.BadInvalidArgument,
  ALARM_JOURNAL: StatusCodes.BadResourceUnavailable,
  AUDIT_UNAVAILABLE: StatusCodes.BadResourceUnavailable,
};

function result(statusCode: StatusCode): CallMethodResultOptions {
  return { statusCode };
}

function commentOf(v: Variant | undefined): string {
  const x: unknown = v?.value;
  if (x instanceof LocalizedText) return (x.text ?? '').trim();
  if (typeof x === 'string') return x.trim();
  return '';
}

export class AlarmMethods {
  readonly #alarms: AlarmManager;
  readonly #audit: OpcuaAudit;
  readonly #resolve: AlarmResolver;
  readonly #changed: () => void;

  /** `changed` is called after the manager accepted an action (the mirror syncs at once). */
  constructor(alarms: AlarmManager, audit: OpcuaAudit, resolve: AlarmResolver, changed: () => void) {
    this.#alarms = alarms;
    this.#audit = audit;
    this.#resolve = resolve;
    this.#changed = changed;
  }

  readonly acknowledge = async (args: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
    const note = commentOf(args[1]) || 'acknowledged over OPC UA';
    return this.#act(context, 'alarm.ack', 'ack', note, undefined, (id, by) => this.#alarms.acknowledge(id, by), StatusCodes.BadConditionBranchAlreadyAcked);
  };

  readonly timedShelve = async (args: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
    const ms = Number(args[0]?.value);
    if (!Number.isFinite(ms) || ms <= 0) return result(StatusCodes.BadShelvingTimeOutOfRange);
    return this.#act(context, 'alarm.shelve', 'shelve', 'shelved over OPC UA', ms / 60_000, (id, by) => this.#alarms.shelve(id, by, ms), StatusCodes.BadConditionAlreadyShelved, StatusCodes.BadShelvingTimeOutOfRange);
  };

  readonly unshelve = async (_args: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
    return this.#act(context, 'alarm.unshelve', 'unshelve', 'unshelved over OPC UA', undefined, (id, by) => this.#alarms.unshelve(id, by), StatusCodes.BadConditionNotShelved);
  };

  /** The manager has no one-shot shelve (ISA-18.2 shelves are timed): refused, as Part 9 allows. */
  // Two parameters: node-opcua tells an async method from a callback one by its arity.
  readonly oneShotShelve = async (_args: Variant[], _context: ISessionContext): Promise<CallMethodResultOptions> => result(StatusCodes.BadNotSupported);

  /** Enabling and disabling are the manager's out-of-service, which the HMI gives engineers only. */
  readonly enableDisable = async (_args: Variant[], _context: ISessionContext): Promise<CallMethodResultOptions> => result(StatusCodes.BadNotSupported);

  /**
   * AddComment: the manager's comment (ISA-18.2 has no comment transition: the state stays, the
   * journal gets a `comment` event, the note becomes the alarm's last note, shown as Comment).
   */
  readonly addComment = async (args: Variant[], context: ISessionContext): Promise<CallMethodResultOptions> => {
    const note = commentOf(args[1]);
    // As the HMI route's schema: an empty comment is refused before anything is audited.
    if (note === '') return result(StatusCodes.BadInvalidArgument);
    return this.#act(context, 'alarm.comment', 'comment', note, undefined, (id, by) => this.#alarms.comment(id, by), StatusCodes.BadInvalidArgument);
  };

  #act(
    context: ISessionContext,
    action: AuditAction,
    name: 'ack' | 'shelve' | 'unshelve' | 'comment',
    note: string,
    minutes: number | undefined,
    run: (id: number, by: { user: string; note: string }) => AlarmView,
    refused: StatusCode,
    /** What the manager's ALARM_INVALID means for this method (a shelve: its duration). */
    invalid: StatusCode = StatusCodes.BadInvalidArgument,
  ): CallMethodResultOptions {
    const caller = this.#audit.callerOf(context);
    const id = this.#resolve(context);
    const view = id !== undefined ? this.#alarms.get(id) : undefined;
    if (view === undefined) return result(StatusCodes.BadNodeIdUnknown);
    // The HMI's alarm actions need the operator role; an anonymous session has none.
    if (caller.user === null || caller.role === null || !roleAtLeast(caller.role, 'operator')) {
      this.#audit.denied(caller, action, 'AUTH_FORBIDDEN', `${name} needs the operator role`, view.key);
      return result(StatusCodes.BadUserAccessDenied);
    }
    const by = { user: caller.user, note: note.slice(0, 500) };
    try {
      this.#audit.carryOut(caller, { action, target: view.key, old: { state: view.state }, new: { action: name, note: by.note, ...(minutes !== undefined ? { minutes } : {}) } }, () => run(view.id, by));
    } catch (err) {
      const code = isTwinloopError(err) ? err.code : undefined;
      if (code === 'ALARM_STATE') return result(refused);
      if (code === 'ALARM_INVALID') return result(invalid);
      return result((code !== undefined ? STATUS_OF_CODE[code] : undefined) ?? StatusCodes.BadInternalError);
    }
    this.#changed();
    return result(StatusCodes.Good);
  }
}
