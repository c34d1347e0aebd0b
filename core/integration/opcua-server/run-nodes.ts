// The run itself as OPC UA variables under Twin/Run: state, mode, pace, line time, tick
// statistics (lateness percentiles in µs, overruns, steps per second), each controller's health,
// and the model version with its sign-off state (a shadow run's model gate, issue 20: the
// version's sha256 and "signed off by U at T" / "not signed off: why"; runs without a gate keep
// the placeholders "unversioned" / "none"). Refreshed from RunControl.status() at 1 Hz (status() allocates; it is
// never called per sample). Only changed values are pushed.

import { AccessRestrictionsFlag, DataType, type Namespace, type UAObject, type UAVariable } from 'node-opcua';
import type { RunControl, RunStatus } from '../../engine/run-control.ts';
import { RO_PERMISSIONS } from './signal-nodes.ts';

type Kind = 'String' | 'Double' | 'Boolean';
const DT: Readonly<Record<Kind, DataType>> = { String: DataType.String, Double: DataType.Double, Boolean: DataType.Boolean };

/** What runs without a model gate (virtual, replay) show (issue 21 named them; issue 20 fills them). */
export const MODEL_VERSION_PLACEHOLDER = 'unversioned';
export const SIGN_OFF_PLACEHOLDER = 'none';

class Field {
  readonly node: UAVariable;
  readonly kind: Kind;
  last: string | number | boolean | undefined;
  constructor(node: UAVariable, kind: Kind) {
    this.node = node;
    this.kind = kind;
  }
  set(v: string | number | boolean): void {
    if (v === this.last) return;
    this.last = v;
    this.node.setValueFromSource({ dataType: DT[this.kind], value: v });
  }
}

export class RunNodes {
  readonly #ns: Namespace;
  readonly #run: RunControl;
  readonly #fields = new Map<string, Field>();
  readonly #objects = new Map<string, UAObject>();
  readonly #root: UAObject;
  readonly #controllers: UAObject;
  #timer: NodeJS.Timeout | undefined;

  constructor(ns: Namespace, parent: UAObject, run: RunControl) {
    this.#ns = ns;
    this.#run = run;
    this.#root = ns.addObject({ componentOf: parent, browseName: 'Run', nodeId: 's=Run' });
    this.#controllers = ns.addObject({ componentOf: this.#root, browseName: 'Controllers', nodeId: 's=Run.Controllers' });
    this.#field(this.#root, 'Run.Model.Version', 'ModelVersion', 'String').set(MODEL_VERSION_PLACEHOLDER);
    this.#field(this.#root, 'Run.Model.SignOff', 'ModelSignOff', 'String').set(SIGN_OFF_PLACEHOLDER);
    this.#field(this.#root, 'Run.LineName', 'LineName', 'String').set(run.lineName);
    this.refresh();
  }

  start(): void {
    this.#timer ??= setInterval(() => this.refresh(), 1000);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Read status() once and push what changed. */
  refresh(): void {
    let s: RunStatus;
    try {
      s = this.#run.status();
    } catch {
      return; // a closing run: the next refresh (or none) will tell
    }
    const r = this.#root;
    this.#field(r, 'Run.State', 'State', 'String').set(s.state);
    this.#field(r, 'Run.Mode', 'Mode', 'String').set(s.mode);
    this.#field(r, 'Run.Pace', 'Pace', 'String').set(s.pace.kind === 'fast' ? 'fast' : `${s.pace.factor}x`);
    this.#field(r, 'Run.Tick', 'Tick', 'Double').set(s.tick);
    this.#field(r, 'Run.LineTime', 'LineTime', 'Double').set(s.time);
    this.#field(r, 'Run.Dt', 'Dt', 'Double').set(s.dt);
    const m = s.model;
    this.#field(r, 'Run.Model.Version', 'ModelVersion', 'String').set(m?.version ?? MODEL_VERSION_PLACEHOLDER);
    this.#field(r, 'Run.Model.SignOff', 'ModelSignOff', 'String').set(m === undefined ? SIGN_OFF_PLACEHOLDER : m.signedOff ? `signed off by ${m.signedOffBy ?? '?'} at ${m.signedOffAt ?? '?'}` : `not signed off: ${m.advisoryReason ?? ''}`);
    const t = s.stats;
    this.#field(r, 'Run.Ticks.LateP50Us', 'TickLateP50Us', 'Double').set(t.lateP50);
    this.#field(r, 'Run.Ticks.LateP99Us', 'TickLateP99Us', 'Double').set(t.lateP99);
    this.#field(r, 'Run.Ticks.LateMaxUs', 'TickLateMaxUs', 'Double').set(t.lateMax);
    this.#field(r, 'Run.Ticks.Overruns', 'TickOverruns', 'Double').set(t.overruns);
    this.#field(r, 'Run.Ticks.StepsPerSecond', 'StepsPerSecond', 'Double').set(t.stepsPerSecond);
    this.#field(r, 'Run.Ticks.RealtimeFactor', 'PaceAchieved', 'Double').set(t.realtimeFactor);
    for (const c of s.controllers) {
      const base = `Run.Controllers.${c.name}`;
      let obj = this.#objects.get(c.name);
      if (obj === undefined) {
        obj = this.#ns.addObject({ componentOf: this.#controllers, browseName: c.name, nodeId: `s=${base}` });
        this.#objects.set(c.name, obj);
      }
      this.#field(obj, `${base}.Protocol`, 'Protocol', 'String').set(c.protocol);
      this.#field(obj, `${base}.State`, 'State', 'String').set(c.state);
      this.#field(obj, `${base}.Healthy`, 'Healthy', 'Boolean').set(c.state === 'connected' && (c.program === undefined || c.program.status === 'run'));
      this.#field(obj, `${base}.Cycles`, 'Cycles', 'Double').set(c.cycles);
      this.#field(obj, `${base}.Reconnects`, 'Reconnects', 'Double').set(c.reconnects ?? 0);
      this.#field(obj, `${base}.LastError`, 'LastError', 'String').set(c.lastError ?? '');
      this.#field(obj, `${base}.Program`, 'Program', 'String').set(c.program ? `${c.program.name}: ${c.program.status}` : '');
    }
  }

  #field(parent: UAObject, id: string, browseName: string, kind: Kind): Field {
    let f = this.#fields.get(id);
    if (f === undefined) {
      const node = this.#ns.addVariable({
        componentOf: parent,
        nodeId: `s=${id}`,
        browseName,
        dataType: kind,
        accessLevel: 'CurrentRead',
        userAccessLevel: 'CurrentRead',
        minimumSamplingInterval: 1000,
        accessRestrictions: AccessRestrictionsFlag.None,
        rolePermissions: RO_PERMISSIONS,
        value: { dataType: DT[kind], value: kind === 'String' ? '' : kind === 'Boolean' ? false : 0 },
      });
      f = new Field(node, kind);
      this.#fields.set(id, f);
    }
    return f;
  }
}
