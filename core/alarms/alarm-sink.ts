// The narrow interface through which detectors (shadow compare rules, communication health,
// predictive-maintenance rules) report alarm conditions. Detectors only say whether a condition
// is active; the alarm manager owns the ISA-18.2 life cycle (acknowledge, shelve, suppress...).

/** ISA-18.2 priorities, 1 = most urgent. */
export type AlarmPriority = 1 | 2 | 3 | 4;

/** What kind of detector raised the condition (for filters, KPIs and flood suppression). */
export type AlarmSource = 'deviation' | 'communication' | 'maintenance' | 'process';

export interface AlarmCondition {
  /** Stable identity of the condition, e.g. `deviation:pe1.blocked` (one alarm per key). */
  readonly key: string;
  readonly source: AlarmSource;
  readonly priority: AlarmPriority;
  /** What the operator reads, e.g. "Photo-eye pe1: edge expected at 12.4 s, not seen". */
  readonly message: string;
  /** Likely cause: which rule fired and why, e.g. "compare rule pe1-edge: missing edge (jam?)". */
  readonly cause?: string;
  /** Recommended action text (maintenance rules). */
  readonly action?: string;
  /** Signals involved, model first then measured, for the deviation view's trend overlay. */
  readonly signals?: readonly string[];
  /** Raise the priority when the alarm stays unacknowledged this long (maintenance advisories). */
  readonly escalation?: { readonly afterMs: number; readonly priority: AlarmPriority };
  /**
   * An advisory, not an alarm: journaled and listed (apart) like any condition, but never
   * annunciated (the alarm banner skips it). The model gate (core/model/model-gate.ts) marks a
   * shadow run's deviations so while its model version is not signed off (issue 20).
   */
  readonly advisory?: boolean;
  /**
   * A deviation from an analog comparison: |measured - model| beyond max(abs, rel * |model|)
   * (`signals` = [model, measured]). The OPC UA server shows such an alarm as a deviation alarm.
   */
  readonly band?: AlarmBand;
}

/** The tolerance band of an analog model-vs-measured comparison (core/shadow/rules.ts AnalogRule). */
export interface AlarmBand {
  readonly abs: number;
  readonly rel: number;
}

export interface AlarmSink {
  /** The condition is active (idempotent while it stays active). `at` = ms on the run's clock. */
  activate(condition: AlarmCondition, at: number): void;
  /** The condition has returned to normal (no-op when it was not active). */
  deactivate(key: string, at: number): void;
}
