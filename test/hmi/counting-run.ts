// A RunControl that forwards every call to a real run (the engine) and counts the calls that
// change the line: the test's "PLC peer" that must receive zero writes from a denied request.
// Optionally reports another mode (shadow/replay) in status(), to test the read-only refusal.

import type { FaultInfo, FaultSpec, Pace, RunControl, RunMode, RunStatus } from '../../core/engine/run-control.ts';

export type ChangeCall = 'pause' | 'resume' | 'step' | 'reset' | 'setPace' | 'force' | 'release' | 'injectFault' | 'clearFault';

export class CountingRun implements RunControl {
  readonly calls: Array<{ method: ChangeCall; args: unknown[] }> = [];
  mode: RunMode | undefined;
  readonly #run: RunControl;
  readonly force?: (signal: string, value: number) => Promise<void>;
  readonly release?: (signal: string) => Promise<void>;
  readonly injectFault?: (spec: FaultSpec) => Promise<FaultInfo>;
  readonly clearFault?: (id: number) => Promise<void>;
  readonly faults?: () => readonly FaultInfo[];

  constructor(run: RunControl) {
    this.#run = run;
    // Only offer what the real run offers, so a 501 here means a 501 there.
    if (run.force) this.force = (s, v) => this.#count('force', [s, v], () => run.force!(s, v));
    if (run.release) this.release = (s) => this.#count('release', [s], () => run.release!(s));
    if (run.injectFault) this.injectFault = (spec) => this.#count('injectFault', [spec], () => run.injectFault!(spec));
    if (run.clearFault) this.clearFault = (id) => this.#count('clearFault', [id], () => run.clearFault!(id));
    if (run.faults) this.faults = () => run.faults!();
  }

  get table(): RunControl['table'] {
    return this.#run.table;
  }
  get lineName(): string {
    return this.#run.lineName;
  }
  get layout(): RunControl['layout'] {
    return this.#run.layout;
  }
  status(): RunStatus {
    const s = this.#run.status();
    return this.mode === undefined ? s : { ...s, mode: this.mode };
  }
  pause(): Promise<void> {
    return this.#count('pause', [], () => this.#run.pause());
  }
  resume(): Promise<void> {
    return this.#count('resume', [], () => this.#run.resume());
  }
  step(ticks?: number): Promise<void> {
    return this.#count('step', [ticks], () => this.#run.step(ticks));
  }
  reset(): Promise<void> {
    return this.#count('reset', [], () => this.#run.reset());
  }
  setPace(pace: Pace): Promise<void> {
    return this.#count('setPace', [pace], () => this.#run.setPace(pace));
  }
  close(): Promise<void> {
    return this.#run.close();
  }

  #count<T>(method: ChangeCall, args: unknown[], fn: () => Promise<T>): Promise<T> {
    this.calls.push({ method, args });
    return fn();
  }
}
