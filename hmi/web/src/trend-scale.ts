// The trend's y autoscale: the data's range, but never narrower than a span that means
// something for the signal's unit. A drive current of 0.72 A that wanders by 0.01 A is flat to
// an operator; scaled to its own min/max it would fill the plot with steps. The floor is the
// larger of a per-unit span (what a person reading that unit calls a visible change) and 5 % of
// the value's magnitude.

/** Smallest y span per unit: a change smaller than ~5 % of this reads as flat. */
const MIN_SPAN_BY_UNIT: Readonly<Record<string, number>> = {
  A: 0.5,
  mA: 1,
  Hz: 2,
  '°C': 2,
  K: 2,
  kW: 0.1,
  W: 10,
  kWh: 0.01,
  m: 0.05,
  mm: 5,
  'm/s': 0.05,
  bar: 0.2,
  '%': 5,
  'm³/h': 0.5,
  'm³': 0.05,
  'm³/min': 0.05,
  µm: 2,
  'kJ/m': 0.2,
};
/** Fraction of |value| the span is at least. */
const RELATIVE_FLOOR = 0.05;
/** Span for a unit not listed (counts, booleans, unitless). */
const DEFAULT_MIN_SPAN = 1;

/** The smallest y span the trend shows for a signal in `unit` around `mid`. */
export function minSpanFor(unit: string, mid: number): number {
  return Math.max(MIN_SPAN_BY_UNIT[unit] ?? DEFAULT_MIN_SPAN, Math.abs(mid) * RELATIVE_FLOOR);
}

/**
 * The y range for data between `min` and `max` in `unit`: the data with 5 % headroom each side,
 * widened about its middle to at least {@link minSpanFor}. [0, 1] with no data.
 */
export function yRange(unit: string, min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const mid = (min + max) / 2;
  const span = Math.max((max - min) * 1.1, minSpanFor(unit, mid));
  return [mid - span / 2, mid + span / 2];
}
