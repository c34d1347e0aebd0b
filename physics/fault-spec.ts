// The shape of an injectable fault, as the API, the line file and scenario files give it.
// Signal faults act on one signal's value as the model writes it (a sensor) or reads it (an
// actuator); component faults change a component's physics. What each kind does, and its
// defaults, is in docs/physics.md ("Faults").

export const SIGNAL_FAULT_KINDS = ['stuck', 'offset', 'drift', 'noise', 'wirebreak', 'intermittent', 'delay'] as const;
export type SignalFaultKind = (typeof SIGNAL_FAULT_KINDS)[number];

export const COMPONENT_FAULT_KINDS = ['jam', 'slip', 'slow', 'leak', 'heater-lost', 'cavitation', 'bearing-wear', 'cooling-lost', 'breakdown'] as const;
export type ComponentFaultKind = (typeof COMPONENT_FAULT_KINDS)[number];

/** The component types each component fault applies to. */
export const COMPONENT_FAULT_TARGET: Readonly<Record<ComponentFaultKind, readonly string[]>> = {
  jam: ['conveyor'],
  slip: ['conveyor'],
  slow: ['cylinder', 'pusher'],
  leak: ['cylinder'],
  'heater-lost': ['furnace'],
  cavitation: ['pump'],
  'bearing-wear': ['drive'],
  'cooling-lost': ['drive'],
  breakdown: ['machine'],
};

/** Whether component fault `kind` applies to a component of `type`. */
export function faultApplies(kind: ComponentFaultKind, type: string): boolean {
  return COMPONENT_FAULT_TARGET[kind].includes(type);
}

/** Severity when a component fault gives none. */
export const DEFAULT_SEVERITY: Readonly<Record<ComponentFaultKind, number>> = {
  jam: 1,
  slip: 0.5,
  slow: 0.5,
  leak: 0.5,
  'heater-lost': 1,
  cavitation: 0.5,
  'bearing-wear': 0.5,
  'cooling-lost': 1,
  breakdown: 1,
};

export interface SignalFaultSpec {
  readonly target: 'signal';
  readonly signal: string;
  readonly kind: SignalFaultKind;
  /** stuck: the value; offset: the offset; drift: units per second; noise: standard deviation;
   *  intermittent: chatter period (s); delay: seconds. */
  readonly value?: number;
}

export interface ComponentFaultSpec {
  readonly target: 'component';
  readonly component: string;
  readonly kind: ComponentFaultKind;
  /** 0..1 where it applies (slip fraction, slow factor, leak fraction, wear multiplier ...). */
  readonly severity?: number;
}

export type FaultSpec = SignalFaultSpec | ComponentFaultSpec;

/** An active fault, as listed by GET /api/faults. */
export interface FaultInfo {
  readonly id: number;
  readonly spec: FaultSpec;
  /** Simulated time (s) and tick at injection. */
  readonly time: number;
  readonly tick: number;
}

/** A fault declared in the line file's `faults:` list: a spec without `target`, plus when. */
export type LineFault =
  | { readonly signal: string; readonly kind: SignalFaultKind; readonly value?: number; readonly at?: number }
  | { readonly component: string; readonly kind: ComponentFaultKind; readonly severity?: number; readonly at?: number };

/** The spec of a line-file fault. */
export function specOf(f: LineFault): FaultSpec {
  if ('signal' in f) return { target: 'signal', signal: f.signal, kind: f.kind, ...(f.value !== undefined ? { value: f.value } : {}) };
  return { target: 'component', component: f.component, kind: f.kind, ...(f.severity !== undefined ? { severity: f.severity } : {}) };
}
