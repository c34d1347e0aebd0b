// Whether a run paced to the wall clock keeps its pace. A line too heavy for its dt (or a host
// that stalls the physics thread) makes the model run slower than the clock asks; a controls
// engineer must be told, as SIMIT or TwinCAT flag an exceeded cycle time, instead of watching
// trends that silently run slow. Pure functions of the run status, shared by the engine's log
// and the HMI banner.

import type { RunStatus } from './run-control.ts';

/** Below this share of its requested pace a real-time run counts as behind. */
export const PACE_KEPT_SHARE = 0.95;

/** Consecutive behind (or kept) observations before PaceWatch reports a change: one host stall is not a trend. */
export const PACE_WATCH_CONFIRM = 2;

/** How a real-time run is doing against its pace. */
export interface PaceKeeping {
  /** Simulated seconds per wall second over the worker's last statistics interval. */
  readonly achieved: number;
  /** The pace asked for (1 = real time). */
  readonly requested: number;
  /** achieved < PACE_KEPT_SHARE x requested. */
  readonly behind: boolean;
}

/**
 * How a running real-time run keeps its pace; null when the question does not apply (paused,
 * stopped, starting, fast pace, or no statistics yet).
 * @example
 * const k = paceKeeping(run.status());
 * if (k?.behind) log.warn(`${k.achieved.toFixed(2)}x of ${k.requested}x`);
 */
export function paceKeeping(status: Pick<RunStatus, 'state' | 'pace' | 'stats'>): PaceKeeping | null {
  if (status.state !== 'running' || status.pace.kind !== 'realtime' || status.stats.ticks === 0) return null;
  const achieved = status.stats.realtimeFactor;
  if (!(achieved > 0)) return null;
  const requested = status.pace.factor;
  return { achieved, requested, behind: achieved < PACE_KEPT_SHARE * requested };
}

/** What changed, for the log: the run fell behind its pace, or keeps it again. */
export type PaceChange = { readonly kind: 'behind' | 'kept'; readonly keeping: PaceKeeping };

/**
 * Watches a run's pace over successive observations and reports only changes that held for
 * PACE_WATCH_CONFIRM observations in a row, so the log gets one line when a run falls behind
 * and one when it recovers, not one per statistics interval.
 */
export class PaceWatch {
  #behind = false;
  #streak = 0;

  /** Feed one status; returns the change it confirms, if any. */
  observe(status: Pick<RunStatus, 'state' | 'pace' | 'stats'>): PaceChange | null {
    const k = paceKeeping(status);
    if (k === null) {
      this.#streak = 0;
      return null;
    }
    if (k.behind === this.#behind) {
      this.#streak = 0;
      return null;
    }
    if (++this.#streak < PACE_WATCH_CONFIRM) return null;
    this.#streak = 0;
    this.#behind = k.behind;
    return { kind: k.behind ? 'behind' : 'kept', keeping: k };
  }

  /** Whether the last confirmed state is behind. */
  get behind(): boolean {
    return this.#behind;
  }
}
