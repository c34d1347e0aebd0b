// The shadow test rig in one thread, accelerated: the "real line" (line model + built-in
// program in lock-step, faults injectable) feeds a ShadowTwin through the same input path the
// network exchange uses (input.write per tag, flush per I/O cycle), then the twin advances on
// the line's clock. What the wire cannot do in a test's time (a simulated hour) runs here.

import { lineSignals, type LineFile } from '../../physics/model.ts';
import type { FaultInfo, FaultSpec } from '../../physics/fault-spec.ts';
import type { AlarmSink } from '../alarms/alarm-sink.ts';
import { Lockstep } from '../engine/lockstep.ts';
import { defaultTagMap, runSignals } from '../engine/engine.ts';
import { Quality } from '../signals.ts';
import type { MaintenanceRule, ShadowSection } from './rules.ts';
import { ShadowTwin, shadowSignals, shadowTarget, type ShadowTagIn } from './shadow-twin.ts';
import { DEFAULT_PROGRAM } from '../../plc-adapters/sim/sim-adapter.ts';

export interface InThreadRigOptions {
  readonly line: LineFile;
  /** Signals read from the line's PLC (the shadow controller's tags). */
  readonly tags: readonly ShadowTagIn[];
  readonly shadow: ShadowSection;
  readonly maintenance?: readonly MaintenanceRule[];
  readonly sink: AlarmSink;
  readonly program?: string;
  readonly cycleMs?: number;
}

export class InThreadRig {
  readonly real: Lockstep;
  readonly twin: ShadowTwin;
  readonly #from: Int32Array;
  readonly #to: Int32Array;
  readonly #every: number;
  #linkUp = true;

  private constructor(real: Lockstep, twin: ShadowTwin, from: Int32Array, to: Int32Array, every: number) {
    this.real = real;
    this.twin = twin;
    this.#from = from;
    this.#to = to;
    this.#every = every;
  }

  static async create(o: InThreadRigOptions): Promise<InThreadRig> {
    const program = o.program ?? DEFAULT_PROGRAM;
    const cycleMs = o.cycleMs ?? 10;
    const tagMap = defaultTagMap({ name: 'line', protocol: 'sim', program });
    const realDefs = runSignals(o.line, tagMap);
    const real = await Lockstep.create(o.line, realDefs, { name: 'line', protocol: 'sim', program, cycleMs }, tagMap);
    const defs = shadowSignals(o.line, o.tags);
    // Targets by the line's own kinds (a controller-only output such as ctl.fault drives itself).
    const modelKinds = new Map(lineSignals(o.line).map((d) => [d.name, d.kind] as const));
    const targets = o.tags.map((t) => shadowTarget(t.signal, modelKinds));
    const twin = await ShadowTwin.create({ line: o.line, defs, controller: 'line', watched: targets, shadow: o.shadow, ...(o.maintenance ? { maintenance: o.maintenance } : {}), sink: o.sink });
    const from = Int32Array.from(o.tags, (t) => realDefs.findIndex((d) => d.name === t.signal));
    const to = Int32Array.from(targets, (n) => twin.id(n));
    return new InThreadRig(real, twin, from, to, Math.max(1, Math.round(cycleMs / 1000 / real.model.dt)));
  }

  /** While false, the feed delivers nothing (a dead link: values go stale). */
  set linkUp(up: boolean) {
    this.#linkUp = up;
  }

  inject(spec: FaultSpec): FaultInfo {
    return this.real.model.injectFault(spec);
  }

  /** Run the real line `seconds` further, feeding and advancing the twin every I/O cycle. */
  run(seconds: number, onCycle?: (t: number) => boolean | void): void {
    const steps = Math.round(seconds / this.real.model.dt);
    const input = this.twin.input;
    for (let k = 0; k < steps; k++) {
      if (this.real.tick % this.#every === 0) {
        const nowMs = this.real.time * 1000;
        this.twin.clock(nowMs);
        if (this.#linkUp) {
          const v = this.real.values;
          for (let j = 0; j < this.#from.length; j++) input.write(this.#to[j]!, v[this.#from[j]!]!, Quality.GOOD);
          input.flush();
        }
        this.twin.advance(nowMs);
        if (onCycle?.(this.real.time) === true) return;
      }
      this.real.step();
    }
  }
}
