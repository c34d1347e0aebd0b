// The alarm manager mirrored as OPC UA Alarms & Conditions (Part 9): one AlarmConditionType
// instance per alarm (an ExclusiveDeviationAlarmType for an analog deviation: deviation-alarm.ts)
// under Twin/Alarms (an event source of the Server object, so a client
// subscribed to Server's events gets them), created when the manager first shows it, with
// ActiveState, AckedState, ShelvingState and SuppressedState following the manager's flags,
// Severity from the ISA-18.2 priority, Retain while the alarm is not normal (so
// ConditionRefresh, which node-opcua answers from the retained conditions, gives a client the
// standing alarms). The manager is the only source of
// truth: every change, from the HMI, a detector or an OPC UA method (alarm-methods.ts), reaches
// the conditions through sync(), polled on the manager's version counter at 4 Hz.
// Alarm states are also plain variables under Twin/AlarmStates for clients that read no events.
//
// Deviations of edge, rate and energy rules stay AlarmConditionType: they have no setpoint and
// input variable a limit could be stated on.

import { AccessRestrictionsFlag, DataType, NodeId, StatusCodes, type AddressSpace, type InstantiateAlarmConditionOptions, type Namespace, type UAAlarmConditionEx, type UAObject, type UAVariable } from 'node-opcua';
import type { AlarmManager } from '../../alarms/alarm-manager.ts';
import type { AlarmPriority } from '../../alarms/alarm-sink.ts';
import { isUnacknowledged } from '../../alarms/alarm-state.ts';
import type { AlarmView } from '../../alarms/alarm-view.ts';
import type { OpcuaAudit } from './audited.ts';
import { AlarmMethods } from './alarm-methods.ts';
import { applyLimitState, deviationNodes, instantiateDeviation, refreshLimits, type DeviationBinding } from './deviation-alarm.ts';
import { RO_PERMISSIONS } from './signal-nodes.ts';

/** OPC UA severity (1..1000) of each ISA-18.2 priority. */
export const SEVERITY: Readonly<Record<AlarmPriority, number>> = { 1: 900, 2: 700, 3: 500, 4: 300 };

const SYNC_MS = 250;

interface Mirrored {
  readonly condition: UAAlarmConditionEx;
  readonly state: UAVariable;
  readonly active: UAVariable;
  readonly acked: UAVariable;
  readonly shelved: UAVariable;
  readonly priority: UAVariable;
  readonly severity: UAVariable;
  readonly message: UAVariable;
  /** Set for an analog deviation (ExclusiveDeviationAlarmType). */
  readonly deviation: DeviationBinding | undefined;
  signature: string;
}

export class AlarmConditions {
  readonly #space: AddressSpace;
  readonly #ns: Namespace;
  readonly #alarms: AlarmManager;
  readonly #notifier: UAObject;
  readonly #states: UAObject;
  readonly #byId = new Map<number, Mirrored>();
  /** NodeId text of a condition or its ShelvingState -> alarm id (method calls name either). */
  readonly #byNode = new Map<string, number>();
  readonly #methods: AlarmMethods;
  readonly #counts: { active: UAVariable; unacked: UAVariable };
  /** Deviation alarms with a relative band: their limits follow the model value. */
  readonly #moving: DeviationBinding[] = [];
  #version = -1;
  #timer: NodeJS.Timeout | undefined;

  constructor(space: AddressSpace, ns: Namespace, parent: UAObject, alarms: AlarmManager, audit: OpcuaAudit) {
    this.#space = space;
    this.#ns = ns;
    this.#alarms = alarms;
    space.installAlarmsAndConditionsService();
    const server = space.rootFolder.objects.server;
    this.#notifier = ns.addObject({ componentOf: parent, browseName: 'Alarms', nodeId: 's=Alarms', eventNotifier: 1, eventSourceOf: server });
    this.#states = ns.addFolder(parent, { browseName: 'AlarmStates', nodeId: 's=AlarmStates', description: 'Each alarm of the alarm manager as plain variables (for clients that read no events)' });
    this.#counts = {
      active: this.#variable(this.#states, 's=AlarmStates.ActiveCount', 'ActiveCount', DataType.UInt32, 0),
      unacked: this.#variable(this.#states, 's=AlarmStates.UnacknowledgedCount', 'UnacknowledgedCount', DataType.UInt32, 0),
    };
    this.#methods = new AlarmMethods(alarms, audit, (context) => {
      const obj = context.object;
      return obj !== undefined ? this.#byNode.get(obj.nodeId.toString()) : undefined;
    }, () => this.sync());
    // Type-level methods too: a client may call AcknowledgeableConditionType's Acknowledge with
    // the condition as ObjectId; node-opcua would run its own handler, bypassing the manager.
    const ackType = space.findEventType('AcknowledgeableConditionType') as unknown as { acknowledge?: { bindMethod(f: unknown): void } } | null;
    ackType?.acknowledge?.bindMethod(this.#methods.acknowledge);
    const condType = space.findEventType('ConditionType') as unknown as { addComment?: { bindMethod(f: unknown): void }; enable?: { bindMethod(f: unknown): void }; disable?: { bindMethod(f: unknown): void } } | null;
    condType?.addComment?.bindMethod(this.#methods.addComment);
    condType?.enable?.bindMethod(this.#methods.enableDisable);
    condType?.disable?.bindMethod(this.#methods.enableDisable);
  }

  start(): void {
    this.sync();
    this.#timer ??= setInterval(() => this.sync(), SYNC_MS);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Bring every condition up to the manager's state (cheap when the version did not move). */
  sync(): void {
    this.#alarms.poll(); // shelve expiry is due whether or not the owner polled lately
    for (const b of this.#moving) refreshLimits(b);
    const version = this.#alarms.version;
    if (version === this.#version) return;
    this.#version = version;
    let active = 0;
    let unacked = 0;
    for (const view of this.#alarms.list({ all: true })) {
      if (view.active) active++;
      if (isUnacknowledged(view.state)) unacked++;
      const m = this.#byId.get(view.id) ?? this.#create(view);
      // lastNoteAt: a comment changes no state, and may repeat the last note's text.
      const signature = `${view.state}|${view.priority}|${view.message}|${view.lastUser ?? ''}|${view.lastNote ?? ''}|${view.lastNoteAt ?? ''}|${view.shelvedUntil ?? ''}`;
      if (signature === m.signature) continue;
      m.signature = signature;
      this.#apply(m, view);
    }
    this.#counts.active.setValueFromSource({ dataType: DataType.UInt32, value: active });
    this.#counts.unacked.setValueFromSource({ dataType: DataType.UInt32, value: unacked });
  }

  #create(view: AlarmView): Mirrored {
    const name = view.key;
    const options: Omit<InstantiateAlarmConditionOptions, 'inputNode'> = {
      componentOf: this.#notifier,
      conditionSource: this.#notifier,
      browseName: name,
      nodeId: `s=alarm:${name}`,
      conditionName: name,
      // OutOfServiceState is left out: node-opcua 2.182 does not install its two-state machinery;
      // an alarm out of service shows in AlarmStates/<key>/State.
      optionals: ['SuppressedState', 'ShelvingState', 'MaxTimeShelved'],
      maxTimeShelved: 12 * 3600_000,
    };
    const nodes = deviationNodes(this.#space, this.#ns, view);
    const deviation = nodes !== undefined ? instantiateDeviation(this.#ns, options, nodes) : undefined;
    if (deviation !== undefined && deviation.band.rel > 0) this.#moving.push(deviation);
    // No single input variable otherwise: the Null NodeId, as Part 9 says.
    const condition: UAAlarmConditionEx = deviation?.condition ?? this.#ns.instantiateAlarmCondition('AlarmConditionType', { ...options, inputNode: NodeId.nullNodeId });
    this.#byNode.set(condition.nodeId.toString(), view.id);
    condition.acknowledge.bindMethod(this.#methods.acknowledge);
    condition.addComment.bindMethod(this.#methods.addComment);
    condition.enable.bindMethod(this.#methods.enableDisable);
    condition.disable.bindMethod(this.#methods.enableDisable);
    const shelving = condition.shelvingState;
    if (shelving !== undefined) {
      this.#byNode.set(shelving.nodeId.toString(), view.id);
      shelving.timedShelve.bindMethod(this.#methods.timedShelve);
      shelving.unshelve.bindMethod(this.#methods.unshelve);
      shelving.oneShotShelve.bindMethod(this.#methods.oneShotShelve);
    }
    const folder = this.#ns.addObject({ componentOf: this.#states, browseName: name, nodeId: `s=state:${name}` });
    const base = `s=state:${name}`;
    const m: Mirrored = {
      condition,
      state: this.#variable(folder, `${base}.State`, 'State', DataType.String, ''),
      active: this.#variable(folder, `${base}.Active`, 'Active', DataType.Boolean, false),
      acked: this.#variable(folder, `${base}.Acknowledged`, 'Acknowledged', DataType.Boolean, true),
      shelved: this.#variable(folder, `${base}.Shelved`, 'Shelved', DataType.Boolean, false),
      priority: this.#variable(folder, `${base}.Priority`, 'Priority', DataType.Byte, view.priority),
      severity: this.#variable(folder, `${base}.Severity`, 'Severity', DataType.UInt16, SEVERITY[view.priority]),
      message: this.#variable(folder, `${base}.Message`, 'Message', DataType.String, view.message),
      deviation,
      signature: '',
    };
    this.#byId.set(view.id, m);
    return m;
  }

  #apply(m: Mirrored, view: AlarmView): void {
    const c = m.condition;
    const branch = c.currentBranch();
    const acked = !isUnacknowledged(view.state);
    const shelved = view.state === 'shelved';
    branch.setActiveState(view.active);
    if (m.deviation !== undefined) applyLimitState(m.deviation, view.active);
    branch.setAckedState(acked);
    if (c.suppressedState !== undefined) branch.setSuppressedState(view.state === 'suppressed-by-design');
    const shelving = c.shelvingState;
    if (shelving !== undefined) {
      const want = shelved ? 'TimedShelved' : 'Unshelved';
      if (shelving.getCurrentState() !== want) {
        // node-opcua computes UnshelveTime from these two (its own shelve handler sets them).
        const s = shelving as unknown as { _shelvedTime?: Date; _duration?: number };
        if (shelved && view.shelvedUntil !== null) {
          const now = this.#alarms.now;
          s._shelvedTime = new Date();
          s._duration = Math.max(0, view.shelvedUntil - now);
        }
        shelving.setState(want);
      }
    }
    // Comment and ClientUserId: the last operator note (an action's or a comment) and its user.
    if (view.lastNote !== null) branch.setComment(view.lastNote);
    if (view.lastUser !== null) branch.setClientUserId(view.lastUser);
    c.raiseNewCondition({ message: view.message, severity: SEVERITY[view.priority], quality: StatusCodes.Good, retain: view.state !== 'normal', time: new Date() });
    m.state.setValueFromSource({ dataType: DataType.String, value: view.state });
    m.active.setValueFromSource({ dataType: DataType.Boolean, value: view.active });
    m.acked.setValueFromSource({ dataType: DataType.Boolean, value: acked });
    m.shelved.setValueFromSource({ dataType: DataType.Boolean, value: shelved });
    m.priority.setValueFromSource({ dataType: DataType.Byte, value: view.priority });
    m.severity.setValueFromSource({ dataType: DataType.UInt16, value: SEVERITY[view.priority] });
    m.message.setValueFromSource({ dataType: DataType.String, value: view.message });
  }

  #variable(parent: UAObject, nodeId: string, browseName: string, dataType: DataType, value: string | number | boolean): UAVariable {
    return this.#ns.addVariable({
      componentOf: parent,
      nodeId,
      browseName,
      dataType: DataType[dataType],
      accessLevel: 'CurrentRead',
      userAccessLevel: 'CurrentRead',
      minimumSamplingInterval: 250,
      accessRestrictions: AccessRestrictionsFlag.None,
      rolePermissions: RO_PERMISSIONS,
      value: { dataType, value },
    });
  }
}
