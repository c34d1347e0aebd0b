// The process time slice. Tanks, pumps, valves, compressors and furnaces have time constants of
// seconds to hours, transmitters and quality gates are sampling instruments, so a line may step
// them every `processPeriod` instead of every physics step, as a SIMIT model runs its process
// parts in a slower time slice or a PLC its analog handling in a slower task. Drives step every
// step but advance their winding temperature, wear and vibration in the slice (drive.ts).
// Each type's elements are spread over the slice's m phases
// (phase p = tick % m steps the block of elements phaseFrom(n, m, p) .. phaseFrom(n, m, p + 1) - 1):
// every step does 1/m of the work, so no single step carries the whole slice and the tick's
// deadline sees no burst. Blocks of consecutive elements, not every m-th one: a step then walks
// each of the type's columns in order, a cache line at a time. Striding by m touched a cache line
// per column per element, and on a 100k-component line, whose arrays do not stay in the cache
// between two visits, the sliced furnaces cost ~4x as much per element (docs/physics.md).

/** Steps per process slice for a line: processPeriod / dt, a whole number >= 1. */
export function processTicks(dt: number, processPeriod: number | undefined): number {
  if (processPeriod === undefined) return 1;
  return Math.max(1, Math.round(processPeriod / dt));
}

/**
 * First element of phase `phase`'s block: blocks of ceil(n / m) consecutive elements, so with
 * n <= m element k is alone in phase k. Integers only (see PhasePower on doubles crossing calls).
 * Each sliced group's step() calls it and hands its kernel the block.
 * @example
 * for (let k = phaseFrom(n, m, tick % m); k < phaseFrom(n, m, (tick % m) + 1); k++) step(k);
 */
export function phaseFrom(n: number, m: number, phase: number): number {
  const from = phase * Math.ceil(n / m);
  return from < n ? from : n;
}

/** Why processPeriod is not usable with this dt, or undefined when it is. */
export function processPeriodIssue(dt: number, processPeriod: unknown): string | undefined {
  if (processPeriod === undefined) return undefined;
  if (typeof processPeriod !== 'number' || !(processPeriod > 0) || !Number.isFinite(processPeriod)) return `must be a positive number of seconds, got ${String(processPeriod)}`;
  const m = Math.round(processPeriod / dt);
  if (m < 1 || Math.abs(m * dt - processPeriod) > 1e-9 * processPeriod) {
    return `is ${processPeriod} s, not a whole number of physics steps (dt ${dt} s); e.g. ${Math.max(1, m) * dt} s`;
  }
  return undefined;
}

/**
 * Power of a sliced type, kept per phase: a phase's elements refresh their part when they
 * step, and the type's total is the sum of the m parts, so the line's power (and energy) counts
 * every element on every step. With m = 1 the total is the one part, bit for bit.
 * No double crosses a call here (the caller writes its part, the sum goes into an array): a
 * double passed to or returned from a call V8 does not inline is boxed, an allocation per step.
 *
 * @example
 * power.parts[phase] = total;
 * power.sumInto(this.totalPower);
 */
export class PhasePower {
  /** Power of each phase's elements at their last step, kW. */
  readonly parts: Float64Array;

  constructor(m: number) {
    this.parts = new Float64Array(m);
  }

  /** out[0] = the sum of all phases' parts. */
  sumInto(out: Float64Array): void {
    const parts = this.parts;
    let total = 0;
    for (let i = 0; i < parts.length; i++) total += parts[i]!;
    out[0] = total;
  }

  reset(): void {
    this.parts.fill(0);
  }
}
