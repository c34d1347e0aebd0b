// The rule data of shadow mode and predictive maintenance, as a plant file gives it after
// validation and defaults (core/config/plant-file.ts): compare rules (model vs measured),
// re-synchronisation rules, communication supervision and maintenance rules. Plain data: the
// evaluators (compare-engine.ts, maintenance-engine.ts) compile it once into typed arrays.

import type { AlarmPriority } from '../alarms/alarm-sink.ts';

/** Fields every compare rule has. `signal` is the model signal; its measured twin is `<signal>.measured`. */
interface RuleBase {
  readonly name: string;
  readonly signal: string;
  readonly priority: AlarmPriority;
  /** Likely cause named in the alarm, e.g. "jam or belt slip?". */
  readonly cause: string;
}

/** |measured - model| (both first-order filtered) beyond max(abs, rel*|model|) for persistenceS. */
export interface AnalogRule extends RuleBase {
  readonly kind: 'analog';
  readonly abs: number;
  readonly rel: number;
  /** Time constant of the first-order filter on both values, s (0 = none). */
  readonly filterS: number;
  readonly persistenceS: number;
}

/** Every model edge must be matched by a measured edge within ±windowS, and vice versa. */
export interface DiscreteRule extends RuleBase {
  readonly kind: 'discrete';
  readonly edge: 'rising' | 'falling' | 'both';
  readonly windowS: number;
  /** The alarm holds at least this long after the last unmatched edge, s (keeps one alarm per episode). */
  readonly holdS: number;
}

/** A counter's increase per minute over a sliding window, model vs measured. */
export interface RateRule extends RuleBase {
  readonly kind: 'rate';
  readonly windowS: number;
  /** Allowed difference, per minute, and relative to the model's rate. */
  readonly abs: number;
  readonly rel: number;
}

/** Mean power (kW) and energy (kWh) over a sliding window, model vs measured power. */
export interface EnergyRule extends RuleBase {
  readonly kind: 'energy';
  readonly windowS: number;
  /** Allowed difference of the window's energy, kWh, and relative to the model's. */
  readonly abs: number;
  readonly rel: number;
}

export type CompareRule = AnalogRule | DiscreteRule | RateRule | EnergyRule;

/**
 * Re-synchronisation on a measured rising edge. `item`: the item nearest to photo-eye
 * `component` (within `captureM`) is moved to it, or one is placed there if none is near;
 * `stroke`: cylinder/pusher `component` is set to `stroke` (0 retracted, 1 extended).
 */
export interface ResyncRule {
  readonly kind: 'item' | 'stroke';
  readonly sensor: string;
  readonly component: string;
  readonly captureM: number;
  readonly stroke: number;
}

export interface ShadowSection {
  /** A measured value older than this is stale, ms. */
  readonly staleMs: number;
  /** After communication returns, comparisons stay suppressed this long while the model realigns, s. */
  readonly recoverS: number;
  /** Comparisons start this long after the first good read, s. */
  readonly warmupS: number;
  readonly compare: readonly CompareRule[];
  readonly resync: readonly ResyncRule[];
}

export interface Escalation {
  readonly afterS: number;
  readonly priority: AlarmPriority;
}

interface MaintenanceBase {
  readonly name: string;
  /** A signal of the run's catalog, e.g. `m1.temperature.measured` (shadow) or `m1.temperature`. */
  readonly signal: string;
  readonly priority: AlarmPriority;
  readonly action: string;
  readonly escalation?: Escalation;
}

/** Least-squares slope over `windowS`: forecast the time until `limit`; alarm when under `horizonS`. */
export interface TrendRule extends MaintenanceBase {
  readonly kind: 'trend';
  readonly limit: number;
  readonly windowS: number;
  readonly horizonS: number;
  /** Sample period of the regression, s. */
  readonly sampleS: number;
}

/** A counter (e.g. `m1.overloads`) rising by more than `max` within `windowS`. */
export interface CountRule extends MaintenanceBase {
  readonly kind: 'count';
  readonly max: number;
  readonly windowS: number;
}

export type MaintenanceRule = TrendRule | CountRule;

/** Measured-signal naming of shadow mode: `pe2.blocked` -> `pe2.blocked.measured`. */
export const MEASURED_SUFFIX = '.measured';

export function measuredName(signal: string): string {
  return signal + MEASURED_SUFFIX;
}

/** Source tag of a signal in shadow mode: measured values come from the PLC, the rest is the model's (or the PLC's outputs that drive it). */
export function isMeasured(signal: string): boolean {
  return signal.endsWith(MEASURED_SUFFIX);
}
