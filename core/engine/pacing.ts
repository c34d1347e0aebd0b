// How a paced run spends the CPU: how often the physics worker wakes and how it waits for each
// deadline (the pacing policy), and how often it publishes the signal table to its readers (the
// publish interval). Pure functions of the run's settings, shared by the engine (which decides)
// and the worker (which follows), so both are tested without threads.
//
// Precise pacing (the default) wakes every millisecond of wall time and spins before each
// deadline for as long as the waits are seen to wake late (core/engine/spin-guard.ts: ~0.1 ms
// here, at most 0.3 ms): lateness stays at tens of µs. A fixed 0.3 ms spin (session 10's
// precise pacing; `spinMs` fixes one) held ~30 % of a core even when nothing was connected. Economy pacing never spins and wakes every ECONOMY_WAKE_MS,
// running the steps due since the last wake back to back: a long-running installation (a twin
// beside a line for weeks, a shadow of a plant) then costs a few % of a core, and the model
// advances in bursts of a few ms (docs/architecture.md, "Pacing").

import { TwinloopError } from '../errors.ts';

/** `precise`: 1 ms wakes with a spin before each deadline; `economy`: coarser wakes, no spin. */
export type Pacing = 'precise' | 'economy';
export const PACINGS: readonly Pacing[] = ['precise', 'economy'];

/** Wall time between wakes of precise pacing, ms (the OS cannot wake a thread much faster). */
export const PRECISE_WAKE_MS = 1;
/** Spin before each deadline of precise pacing at most (and at its start), ms: Atomics.wait's timeout is coarse. */
export const PRECISE_SPIN_MS = 0.3;
/**
 * Wall time between wakes of economy pacing, ms: half the default controller cycle, so a 10 ms
 * PLC cycle still sees the model advance twice per cycle.
 */
export const ECONOMY_WAKE_MS = 5;

/** How the worker waits: wall ms between wakes, and the spin before each deadline. */
export interface WakePlan {
  readonly wakeMs: number;
  /** The spin, ms: fixed, or (adaptive) its start and upper bound. */
  readonly spinMs: number;
  /** Learn the spin from how late the waits wake (SpinGuard), up to spinMs. */
  readonly adaptiveSpin: boolean;
}

/**
 * The wake plan of a pacing policy. Precise pacing learns its spin (at most PRECISE_SPIN_MS);
 * `spinMs` fixes it instead (benchmarks, a machine whose timer the guard cannot learn);
 * economy never spins.
 */
export function wakePlan(pacing: Pacing, spinMs?: number): WakePlan {
  if (pacing === 'economy') return { wakeMs: ECONOMY_WAKE_MS, spinMs: 0, adaptiveSpin: false };
  if (spinMs !== undefined) return { wakeMs: PRECISE_WAKE_MS, spinMs, adaptiveSpin: false };
  return { wakeMs: PRECISE_WAKE_MS, spinMs: PRECISE_SPIN_MS, adaptiveSpin: true };
}

/** Steps each wake runs: the steps of `wakeMs` wall time at `paceFactor`, at least one. */
export function stepsPerWake(wakeMs: number, dtMs: number, paceFactor: number): number {
  return Math.max(1, Math.round((wakeMs * paceFactor) / dtMs));
}

/** Check a pacing name (CLI, options); throws RUN_BAD_REQUEST naming the allowed ones. */
export function checkPacing(value: unknown, where: string): Pacing {
  if (typeof value === 'string' && (PACINGS as readonly string[]).includes(value)) return value as Pacing;
  throw new TwinloopError('RUN_BAD_REQUEST', `${where} must be ${PACINGS.join(' or ')}, got ${JSON.stringify(value)}`);
}

/**
 * Signals one step may carry in publish work before the table is published less often than
 * every step. A publish compares and copies every value (~2 ns each on the reference machine:
 * 0.17 ms at 79k signals, 1.7-1.8 ms at 793k), so 10 000 signals per step keep the publish near
 * 20 µs per step, a few % of the 1 ms period.
 */
export const PUBLISH_SIGNALS_PER_STEP = 10_000;
/**
 * Longest publish interval the default allows, model ms: what the table's readers need. The
 * network exchange reads at its controller cycle (10 ms by default), the HMI frames at up to
 * 60 Hz, the recorder at 50 Hz; a faster network controller lowers it to its cycle.
 */
export const PUBLISH_MAX_MS = 10;

/**
 * Steps between publishes of the signal table in a paced run. With `publishMs` given, that many
 * ms of model time (at least one step). Otherwise every step for tables of up to
 * PUBLISH_SIGNALS_PER_STEP signals, one step more per such many signals above, and never more
 * than the readers need: PUBLISH_MAX_MS, or the fastest network controller's cycle.
 * @example publishEvery({ signals: 793_000, dtMs: 1, cyclesMs: [10] }) // 10
 */
export function publishEvery(o: { readonly signals: number; readonly dtMs: number; readonly cyclesMs?: readonly number[]; readonly publishMs?: number }): number {
  if (o.publishMs !== undefined) {
    if (!(o.publishMs > 0 && o.publishMs <= 1000)) throw new TwinloopError('RUN_BAD_REQUEST', `publishMs must be a number of ms from above 0 to 1000, got ${o.publishMs}`);
    return Math.max(1, Math.floor(o.publishMs / o.dtMs));
  }
  const needMs = Math.min(PUBLISH_MAX_MS, ...(o.cyclesMs ?? []));
  const cap = Math.max(1, Math.floor(needMs / o.dtMs));
  return Math.min(cap, Math.max(1, Math.ceil(o.signals / PUBLISH_SIGNALS_PER_STEP)));
}

/**
 * Where a wake that advances the model from `tick` to `target` publishes: the last multiple of
 * `every` in (tick, target], or -1 when it crosses none. Published ticks are therefore
 * multiples of `every` whatever the wall clock did, and after each wake the table lags the model
 * by less than `every` steps. A catch-up wake that crosses several multiples publishes only the
 * last: nobody can read the ones in between, and each publish of a large table costs ms.
 */
export function publishTickIn(tick: number, target: number, every: number): number {
  const at = target - (target % every);
  return at > tick ? at : -1;
}
