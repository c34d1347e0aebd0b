// The shape of an injectable fault, as the API, the line file and scenario files give it.
// Signal faults act on one signal's value as the model writes it (a sensor) or reads it (an
// actuator); component faults change a component's physics.

export const SIGNAL_FAULT_KINDS = ['stuck', 'offset', 'drift', 'noise', 'wirebreak', 'intermittent', 'delay'] as const;
export type SignalFaultKind = (typeof SIGNAL_FAULT_KINDS)[number];

export const COMPONENT_FAULT_KINDS = ['jam', 'slip', 'slow', 'leak', 'heater-lost', 'cavitation', 'bearing-wear'] as const;
export type ComponentFaultKind = (typeof COMPONENT_FAULT_KINDS)[number];

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
