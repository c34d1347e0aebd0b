// The gate between a shadow run's detectors and the alarm manager: while the running model
// version is not signed off, deviation conditions reach the manager as advisories (the
// condition's `advisory` flag: listed apart, never annunciated); once signed off, as alarms.
// Communication and maintenance conditions pass unchanged (they do not depend on the model's
// match with the line). The gate re-reads the store and re-hashes the files at most every
// `recheckMs`, so an edited line file voids a sign-off within seconds, also during a run.

import type { AlarmCondition, AlarmSink } from '../alarms/alarm-sink.ts';
import { shortVersion } from './model-version.ts';
import { signOffState, type SignOffState } from './signoff-store.ts';

/** What /api/health, the banner and the OPC UA run nodes say about the running model. */
export interface ModelRunInfo {
  /** sha256 hex of line, plant, overlay and report as they are now. */
  readonly version: string;
  readonly short: string;
  readonly signedOff: boolean;
  /** The last sign-off of this line and plant (current or voided). */
  readonly signedOffBy: string | null;
  readonly signedOffAt: string | null;
  /** The last report's verdict, and where the HMI serves it (null without a report). */
  readonly verdict: 'pass' | 'fail' | null;
  readonly report: string | null;
  /** Files changed since the last sign-off (why it is void). */
  readonly changed: readonly string[];
  /** Why deviation conditions are advisories, or null when they are alarms. */
  readonly advisoryReason: string | null;
}

export interface ModelGateOptions {
  readonly dataDir: string;
  readonly line: string;
  readonly plant: string;
  readonly overlay?: string;
  /** Wall-clock ms (tests pass their own). */
  readonly clock?: () => number;
  /** Default 5 s. */
  readonly recheckMs?: number;
}

export const REPORT_URL = '/api/model/report';

export class ModelGate {
  readonly #o: ModelGateOptions;
  readonly #clock: () => number;
  readonly #recheckMs: number;
  // The advisory copy of each condition object the reporters built (they reuse one object while
  // a condition stays active), so a steady activation allocates nothing.
  readonly #advisory = new WeakMap<AlarmCondition, AlarmCondition>();
  #state!: SignOffState;
  #info!: ModelRunInfo;
  #checkedAt = -Infinity;

  /** @throws TwinloopError MODEL_FILE when the line or plant file cannot be read */
  constructor(o: ModelGateOptions) {
    this.#o = o;
    this.#clock = o.clock ?? Date.now;
    this.#recheckMs = o.recheckMs ?? 5000;
    this.refresh();
  }

  /** Re-read the store and re-hash the files now (after a sign-off). */
  refresh(): ModelRunInfo {
    this.#checkedAt = this.#clock();
    let state: SignOffState;
    try {
      state = signOffState(this.#o.dataDir, this.#o.line, this.#o.plant, this.#o.overlay);
    } catch (err) {
      // A file gone mid-run: keep the last state but never count it as signed off.
      if (this.#state === undefined) throw err;
      state = { ...this.#state, signedOff: false };
    }
    this.#state = state;
    const last = state.last;
    const reason = state.signedOff ? null : last === null ? 'model not validated: no sign-off of this model version' : `model not validated: ${state.changed.join(', ') || 'a file'} changed since the sign-off of ${last.at}`;
    this.#info = {
      version: state.current.version,
      short: shortVersion(state.current.version),
      signedOff: state.signedOff,
      signedOffBy: last?.by ?? null,
      signedOffAt: last?.at ?? null,
      verdict: last?.verdicts.verdict ?? null,
      report: state.current.parts.report !== null ? REPORT_URL : null,
      changed: state.changed,
      advisoryReason: reason,
    };
    return this.#info;
  }

  /** The running model's status (re-checked when older than recheckMs). */
  info(): ModelRunInfo {
    if (this.#clock() - this.#checkedAt >= this.#recheckMs) this.refresh();
    return this.#info;
  }

  get signedOff(): boolean {
    return this.info().signedOff;
  }

  /** The last signed-off report's JSON path (the HMI serves its HTML twin), or null. */
  get reportPath(): string | null {
    return this.#state.current.parts.report?.path ?? null;
  }

  /** The files the gate hashes (the HMI signs off the same ones). */
  get files(): { line: string; plant: string; overlay?: string } {
    const ov = this.#o.overlay ?? this.#state.current.parts.overlay?.path;
    return { line: this.#o.line, plant: this.#o.plant, ...(ov !== undefined ? { overlay: ov } : {}) };
  }

  /** A sink that passes deviation conditions on as advisories while the model is not signed off. */
  wrap(sink: AlarmSink): AlarmSink {
    return {
      activate: (c, at) => {
        if (c.source !== 'deviation' || this.signedOff) {
          sink.activate(c, at);
          return;
        }
        let a = this.#advisory.get(c);
        if (a === undefined) {
          a = { ...c, advisory: true, cause: `${c.cause ?? c.message} [advisory: ${this.#info.advisoryReason ?? 'model not validated'}]` };
          this.#advisory.set(c, a);
        }
        sink.activate(a, at);
      },
      deactivate: (key, at) => sink.deactivate(key, at),
    };
  }
}
