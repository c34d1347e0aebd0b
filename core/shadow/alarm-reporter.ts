// Turns evaluator flags into AlarmSink calls: activate(condition) on every evaluation while a
// rule's flag holds (the sink is idempotent), deactivate(key) once when it drops. A condition
// object is built when its rule becomes active (the text names what was seen then) and reused
// while it stays active, so steady evaluation allocates nothing.

import type { AlarmBand, AlarmCondition, AlarmPriority, AlarmSink, AlarmSource } from '../alarms/alarm-sink.ts';

export interface ConditionTemplate {
  readonly key: string;
  readonly source: AlarmSource;
  readonly priority: AlarmPriority;
  readonly signals?: readonly string[];
  readonly action?: string;
  readonly escalation?: { readonly afterMs: number; readonly priority: AlarmPriority };
  readonly band?: AlarmBand;
}

export class AlarmReporter {
  readonly #sink: AlarmSink;
  readonly #templates: readonly ConditionTemplate[];
  readonly #describe: (k: number) => { message: string; cause: string };
  readonly #current: (AlarmCondition | undefined)[];
  readonly #was: Uint8Array;

  constructor(sink: AlarmSink, templates: readonly ConditionTemplate[], describe: (k: number) => { message: string; cause: string }) {
    this.#sink = sink;
    this.#templates = templates;
    this.#describe = describe;
    this.#current = new Array<AlarmCondition | undefined>(templates.length).fill(undefined);
    this.#was = new Uint8Array(templates.length);
  }

  /** Report flags[k] for every k (1 = condition holds) at `at` ms. */
  report(flags: Uint8Array, at: number): void {
    for (let k = 0; k < this.#templates.length; k++) {
      if (flags[k] === 1) {
        let c = this.#current[k];
        if (c === undefined) {
          const t = this.#templates[k]!;
          const d = this.#describe(k);
          c = { ...t, message: d.message, cause: d.cause };
          this.#current[k] = c;
        }
        this.#sink.activate(c, at);
        this.#was[k] = 1;
      } else if (this.#was[k] === 1) {
        this.#was[k] = 0;
        this.#current[k] = undefined;
        this.#sink.deactivate(this.#templates[k]!.key, at);
      }
    }
  }

  /** Every active condition returns (suppression by communication loss, close). */
  clear(at: number): void {
    for (let k = 0; k < this.#templates.length; k++) {
      if (this.#was[k] === 1) this.#sink.deactivate(this.#templates[k]!.key, at);
      this.#was[k] = 0;
      this.#current[k] = undefined;
    }
  }

  /** Conditions active now (for status). */
  get activeCount(): number {
    let n = 0;
    for (let k = 0; k < this.#was.length; k++) n += this.#was[k]!;
    return n;
  }
}
