// An OPC UA Write to an actuator signal: a force through RunControl.force, carried out only for
// a user whose role (read from the user store now) is engineer or above, only while the run is
// in virtual mode, with a value that fits the signal's type, and audited (`signal.force`, the
// HMI's action for the same thing) BEFORE the force is sent. Every refusal is audited as
// `denied` and answered with a status code, never an exception. Installed in place of
// node-opcua's write path of the variable (which would just store the value).

import { DataType, StatusCodes, type DataValue, type ISessionContext, type StatusCode, type UAVariable } from 'node-opcua';
import type { RunControl } from '../../engine/run-control.ts';
import { roleAtLeast } from '../../auth/roles.ts';
import { isTwinloopError } from '../../errors.ts';
import type { SignalDef } from '../../signals.ts';
import type { OpcuaAudit } from './audited.ts';

/** Largest |value| a force of a real signal may carry (as the HMI's force route). */
const REAL_LIMIT = 1e12;

type WriteCallback = (err: Error | null, statusCode?: StatusCode) => void;

/** The value a client wrote, as the signal's number, or undefined when it does not fit. */
export function writtenNumber(def: SignalDef, dv: DataValue): number | undefined {
  const v = dv.value;
  const x: unknown = v.value;
  if (def.type === 'bool') {
    if (v.dataType !== DataType.Boolean || typeof x !== 'boolean') return undefined;
    return x ? 1 : 0;
  }
  if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
  if (def.type === 'int') return Number.isSafeInteger(x) ? x : undefined;
  return Math.abs(x) <= REAL_LIMIT ? x : undefined;
}

export function installSignalWrite(variable: UAVariable, def: SignalDef, run: RunControl, audit: OpcuaAudit): void {
  const write = async (context: ISessionContext, dv: DataValue): Promise<StatusCode> => {
    const caller = audit.callerOf(context);
    const deny = (code: 'AUTH_FORBIDDEN' | 'RUN_MODE_READONLY' | 'SIG_TYPE' | 'HMI_UNSUPPORTED', detail: string, status: StatusCode): StatusCode => {
      audit.denied(caller, 'signal.force', code, detail, def.name);
      return status;
    };
    if (caller.user === null || caller.role === null || !roleAtLeast(caller.role, 'engineer')) return deny('AUTH_FORBIDDEN', 'writing a signal over OPC UA needs the engineer role', StatusCodes.BadUserAccessDenied);
    const mode = run.status().mode;
    if (mode !== 'virtual') return deny('RUN_MODE_READONLY', `the run is in ${mode} mode; it does not write`, StatusCodes.BadNotWritable);
    if (typeof run.force !== 'function') return deny('HMI_UNSUPPORTED', 'this run does not implement force', StatusCodes.BadNotWritable);
    const value = writtenNumber(def, dv);
    if (value === undefined) return deny('SIG_TYPE', `${def.name} is ${def.type}: the written value does not fit`, StatusCodes.BadTypeMismatch);
    try {
      // `old` as the HMI's force route records it: the served value as a number.
      const served: unknown = variable.readValue().value.value;
      const old = typeof served === 'boolean' ? (served ? 1 : 0) : served;
      await audit.carryOutAsync(caller, { action: 'signal.force', target: def.name, old, new: value }, () => run.force!(def.name, value));
    } catch (err) {
      return isTwinloopError(err, 'AUDIT_UNAVAILABLE') ? StatusCodes.BadResourceUnavailable : StatusCodes.BadInternalError;
    }
    return StatusCodes.Good;
  };
  // node-opcua's write service calls writeValue(context, dataValue, indexRange, callback).
  const target = variable as unknown as { writeValue: (context: ISessionContext, dv: DataValue, ...rest: unknown[]) => void };
  target.writeValue = (context: ISessionContext, dv: DataValue, ...rest: unknown[]): void => {
    const callback = rest[rest.length - 1] as WriteCallback;
    if (typeof callback !== 'function') return;
    write(context, dv).then((status) => callback(null, status), () => callback(null, StatusCodes.BadInternalError));
  };
}
