// The live run's production KPIs: a reader of the signal table like the HMI publisher. It takes a
// snapshot every `periodMs` of wall time (default 20 ms; 100 ms for tables over 20 000 signals,
// whose copy costs more) into its own buffer and feeds two
// trackers: one over the whole run (restarted when the run is reset), one over windows of
// `windowSeconds` of simulated time whose last complete window is kept ("live"). Sampling reads
// the table's simulated clock, so a paused run accumulates nothing and a fast run is sampled
// coarser in simulated time (docs/kpi.md, "Sampling"). A sample allocates nothing.

import type { SignalTable, SnapshotInfo } from '../signals.ts';
import { LineKpiTracker, type KpiReport } from './kpi-tracker.ts';
import { kpiPlan, type ComponentInfo } from './station-plan.ts';

/** GET /api/kpi's answer. */
export interface LiveKpis {
  /** Simulated s of the last sample. */
  readonly time: number;
  readonly windowSeconds: number;
  /** Since the run started (or was last reset). */
  readonly run: KpiReport;
  /** The last complete window; null until one has passed. */
  readonly window: KpiReport | null;
}

export interface LiveKpiOptions {
  readonly periodMs?: number;
  readonly windowSeconds?: number;
}

export class LiveKpi {
  readonly #table: SignalTable;
  readonly #values: Float64Array;
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  readonly #run: LineKpiTracker;
  readonly #window: LineKpiTracker;
  readonly #windowSeconds: number;
  readonly #periodMs: number;
  #windowStart = 0;
  #lastWindow: KpiReport | null = null;
  #timer: NodeJS.Timeout | undefined;

  constructor(table: SignalTable, components: readonly ComponentInfo[], options: LiveKpiOptions = {}) {
    this.#table = table;
    this.#values = new Float64Array(table.size);
    const plan = kpiPlan(components, (n) => (table.has(n) ? table.id(n) : -1));
    this.#run = new LineKpiTracker(plan);
    this.#window = new LineKpiTracker(plan);
    this.#windowSeconds = options.windowSeconds ?? 60;
    // Finer sampling places state changes closer to the truth (one sample late at most), which
    // matters at a fast pace: at 20x a 100 ms period is 2 s simulated, a third of a 6 s cycle.
    this.#periodMs = options.periodMs ?? (table.size <= 20_000 ? 20 : 100);
  }

  /** Stations found in the line. */
  get stations(): number {
    return this.#run.plan.stations.length;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.#periodMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Take one snapshot and account it (also called by the timer). */
  sample(): void {
    if (!this.#table.snapshot(this.#values, this.#info)) return; // writer busy: next period
    const t = this.#info.time;
    this.#run.sample(this.#values, t);
    if (!this.#window.started || t < this.#windowStart) {
      // First sample (the run may be well under way), or a reset: the old windows belong to
      // another run.
      this.#windowStart = t;
      this.#lastWindow = null;
    }
    this.#window.sample(this.#values, t);
    if (t - this.#windowStart >= this.#windowSeconds) {
      // Allocates once per window (a minute of simulated time), not per sample.
      this.#lastWindow = this.#window.report();
      this.#window.start(this.#values, t);
      this.#windowStart = t;
    }
  }

  /** The figures now. Allocates. */
  report(): LiveKpis {
    return { time: this.#info.time, windowSeconds: this.#windowSeconds, run: this.#run.report(), window: this.#lastWindow };
  }
}
