// An analog deviation of shadow mode as OPC UA Part 9's ExclusiveDeviationAlarmType: InputNode =
// Twin/Deviations/<signal>/Measured, SetpointNode = .../Model, HighLimit / LowLimit = ± the
// rule's tolerance max(abs, rel * |model|) (Part 9: deviation limits are offsets from the
// setpoint). Exclusive, not NonExclusive: Part 9 keeps NonExclusive limit alarms for limits that
// can be violated at once (High and HighHigh); a band's +tol and -tol cannot, and the exclusive
// LimitState names the one side that is (High: measured above the model, Low: below).
//
// The alarm manager stays the only source of truth: node-opcua would evaluate the limits itself
// on every change of the input, the setpoint or a limit, from the raw sampled values, while the
// compare engine alarms on first-order filtered values that stay out of band for a persistence
// time. Both would then disagree (a spike: node-opcua active, the manager not). So node-opcua's
// two evaluation entry points are replaced on the instance by no-ops, the instance is created
// with limits that can never trip (no event before they are replaced), and ActiveState and
// LimitState are set by the mirror (alarm-conditions.ts) from the manager. With a relative band
// the limits follow the model value at the mirror's 4 Hz.

import { DataType, NodeClass, type AddressSpace, type InstantiateAlarmConditionOptions, type Namespace, type UAExclusiveDeviationAlarmEx, type UAVariable, type UAVariableT } from 'node-opcua';
import type { AlarmBand } from '../../alarms/alarm-sink.ts';
import type { AlarmView } from '../../alarms/alarm-view.ts';

/** A deviation alarm bound to its Model and Measured variables. */
export interface DeviationBinding {
  readonly condition: UAExclusiveDeviationAlarmEx;
  readonly model: UAVariable;
  readonly measured: UAVariable;
  readonly band: AlarmBand;
  /** The tolerance the limits show now. */
  tol: number;
}

const NUMERIC: ReadonlySet<DataType> = new Set([DataType.Double, DataType.Float, DataType.Int16, DataType.Int32, DataType.UInt16, DataType.UInt32, DataType.Byte, DataType.SByte]);

/**
 * The Model and Measured variables of an analog deviation alarm, or undefined when the alarm is
 * not one (no band, not a deviation) or its signal has no numeric Deviations entry (then it stays
 * an AlarmConditionType).
 */
export function deviationNodes(space: AddressSpace, ns: Namespace, view: AlarmView): { model: UAVariable; measured: UAVariable; band: AlarmBand } | undefined {
  const signal = view.signals[0];
  if (view.source !== 'deviation' || view.band === null || signal === undefined) return undefined;
  const find = (field: string): UAVariable | undefined => {
    const node = space.findNode(`ns=${ns.index};s=deviation:${signal}.${field}`);
    return node !== null && node.nodeClass === NodeClass.Variable ? (node as UAVariable) : undefined;
  };
  const model = find('Model');
  const measured = find('Measured');
  if (model === undefined || measured === undefined) return undefined;
  const type = space.findCorrespondingBasicDataType(model.dataType);
  if (!NUMERIC.has(type)) return undefined;
  return { model, measured, band: view.band };
}

/** Create the condition (options as for AlarmConditionType, less the input) and disarm node-opcua's own evaluation. */
export function instantiateDeviation(ns: Namespace, base: Omit<InstantiateAlarmConditionOptions, 'inputNode'>, nodes: { model: UAVariable; measured: UAVariable; band: AlarmBand }): DeviationBinding {
  // Limits that never trip while node-opcua still evaluates inside instantiate (updateState).
  const condition = ns.instantiateExclusiveDeviationAlarm({
    ...base,
    inputNode: nodes.measured,
    // A numeric variable (checked in deviationNodes); node-opcua's type names Double or Float only.
    setpointNode: nodes.model as UAVariableT<number, DataType.Double>,
    highLimit: Number.MAX_VALUE,
    lowLimit: -Number.MAX_VALUE,
  });
  // node-opcua's private evaluation hooks (ua_limit_alarm_impl / deviation_alarm_helper): every
  // path (input, setpoint, limit change, enable) goes through one of these two.
  const hooks = condition as unknown as { _onInputDataValueChange: (dv: unknown) => void; _onSetpointDataValueChange: (dv: unknown) => void };
  hooks._onInputDataValueChange = () => undefined;
  hooks._onSetpointDataValueChange = () => undefined;
  const b: DeviationBinding = { condition, model: nodes.model, measured: nodes.measured, band: nodes.band, tol: Number.NaN };
  refreshLimits(b);
  return b;
}

function valueOf(v: UAVariable): number {
  const x: unknown = v.readValue().value.value;
  return typeof x === 'number' ? x : Number.NaN;
}

/** Limits = ± max(abs, rel * |model|) with the model's sampled value; written only when they moved. */
export function refreshLimits(b: DeviationBinding): void {
  const model = valueOf(b.model);
  const tol = Math.max(b.band.abs, Number.isFinite(model) ? b.band.rel * Math.abs(model) : 0);
  if (tol === b.tol) return;
  b.tol = tol;
  b.condition.setHighLimit(tol);
  b.condition.setLowLimit(-tol);
}

/**
 * LimitState from the manager's active flag: null while inactive (Part 9), else the side of
 * measured - model as sampled now (High when it cannot be told: the values are equal or bad).
 */
export function applyLimitState(b: DeviationBinding, active: boolean): void {
  const want = active ? (valueOf(b.measured) - valueOf(b.model) < 0 ? 'Low' : 'High') : null;
  if (b.condition.limitState.getCurrentState() !== want) b.condition.limitState.setState(want);
}
