// The data of a production plan once loaded and checked: what the scheduler, the rules and the
// report read. Times are seconds from the plan start; plain data, so it crosses to pool workers.

import type { CalendarSpec } from './calendar.ts';

export const RULES = ['fifo', 'edd', 'spt', 'family', 'fixed'] as const;
export type Rule = (typeof RULES)[number];

export interface StationSpec {
  readonly id: string;
  /** kW */
  readonly busyPower: number;
  /** kW */
  readonly idlePower: number;
  /** s, from one family to another unless the matrix says otherwise */
  readonly changeoverDefault: number;
  /** from family -> to family -> s */
  readonly changeoverMatrix: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Family set up at the start; null: the first order needs no changeover. */
  readonly initialFamily: string | null;
  /** Uniform cycle-time variation, ± fraction. */
  readonly spread: number;
  /** s of working time between breakdowns (mean); 0: none. */
  readonly mtbf: number;
  /** s */
  readonly mttr: number;
  /** kWh consumed per changeover, beyond idle power. */
  readonly changeoverEnergy: number;
  /** Units of material scrapped per changeover. */
  readonly changeoverScrap: number;
  /**
   * Process values the station's changeover settles (virtual line only): the changeover ends once
   * each line signal is within its tolerance of the product's setpoint for it.
   */
  readonly settle: readonly { readonly signal: string; readonly tolerance: number }[];
}

export interface ProductSpec {
  readonly name: string;
  readonly family: string;
  /** s per unit, by station index */
  readonly cycleTime: readonly number[];
  /** kWh per unit, by station index; NaN: busyPower × cycle time */
  readonly energy: readonly number[];
  readonly setpoints: Readonly<Record<string, number | string>>;
}

export interface OrderSpec {
  readonly id: string;
  /** index into products */
  readonly product: number;
  readonly quantity: number;
  readonly release: number;
  readonly due: number;
  readonly priority: number;
  /** Supplier delivery of the material; 0: on hand. */
  readonly material: number;
  /** Position in the order book (ties). */
  readonly index: number;
}

export interface PlanSpec {
  readonly name: string;
  readonly file: string;
  /** Absolute line file path, when the plan names one. */
  readonly line?: string;
  /** Where the products and changeovers came from, for the report: e.g. `products: week-line.yaml`. */
  readonly sources?: readonly string[];
  readonly seed: number;
  readonly seeds: number;
  readonly rules: readonly Rule[];
  /** Order indices in the planner's sequence (rule fixed), or null. */
  readonly sequence: readonly number[] | null;
  /** null: unlimited */
  readonly operators: number | null;
  readonly stations: readonly StationSpec[];
  readonly products: readonly ProductSpec[];
  readonly orders: readonly OrderSpec[];
  readonly calendar: CalendarSpec | null;
}

/** Changeover time at a station from family `from` (null: none set up) to `to`, s. */
export function changeoverTime(s: StationSpec, from: string | null, to: string): number {
  if (from === null || from === to) return 0;
  return s.changeoverMatrix[from]?.[to] ?? s.changeoverDefault;
}

/** Total processing time of an order over all stations, s (SPT's key). */
export function orderWork(plan: PlanSpec, o: OrderSpec): number {
  const ct = plan.products[o.product]!.cycleTime;
  let sum = 0;
  for (const c of ct) sum += c;
  return sum * o.quantity;
}
