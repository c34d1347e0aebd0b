// Feeds the OPC UA variables from the signal table, off the tick path: a timer at a bounded
// rate takes ONE consistent snapshot of the table (the physics worker never waits for it), diffs
// it against the values last pushed and pushes only what changed (value or quality). The
// diff walks typed arrays and allocates nothing; what is allocated per changed value is
// node-opcua's own (its DataValue and the source Date), which no caller of it can avoid.
// Source timestamps are line time: the tick of each value's last change (the table's change
// stamp) times dt, on an epoch fixed when the server started.

import { StatusCodes, type StatusCode, type UAVariable } from 'node-opcua';
import { Quality, type SignalTable, type SignalType, type SnapshotInfo } from '../../signals.ts';
import { DATA_TYPE, type SignalNodes } from './signal-nodes.ts';

// Index = the table's quality code (Quality.GOOD, UNCERTAIN, BAD).
const STATUS_OF: readonly StatusCode[] = [StatusCodes.Good, StatusCodes.Uncertain, StatusCodes.Bad];
if (Quality.GOOD !== 0 || Quality.UNCERTAIN !== 1 || Quality.BAD !== 2) throw new Error('quality codes changed: update STATUS_OF');

export interface SamplerStats {
  cycles: number;
  /** Variable updates pushed to node-opcua. */
  updates: number;
  /** Cycles skipped because the writer overtook every snapshot try. */
  misses: number;
}

const TYPE_CODE: Readonly<Record<SignalType, number>> = { bool: 0, int: 1, real: 2 };

export class Sampler {
  readonly #table: SignalTable;
  readonly #nodes: SignalNodes;
  readonly #dtMs: number;
  readonly #epochMs: number;
  readonly #periodMs: number;
  // reuse: the snapshot, the values and qualities last pushed, the snapshot's metadata.
  readonly #values: Float64Array;
  readonly #last: Float64Array;
  readonly #lastQ: Uint8Array;
  readonly #types: Uint8Array;
  readonly #info: SnapshotInfo = { tick: 0, time: 0 };
  #timer: NodeJS.Timeout | undefined;
  readonly stats: SamplerStats = { cycles: 0, updates: 0, misses: 0 };

  /** `dtSeconds`: the physics step; `epochMs`: wall time of line time 0; `hz`: samples per second. */
  constructor(table: SignalTable, nodes: SignalNodes, dtSeconds: number, epochMs: number, hz: number) {
    this.#table = table;
    this.#nodes = nodes;
    this.#dtMs = dtSeconds * 1000;
    this.#epochMs = epochMs;
    this.#periodMs = 1000 / hz;
    this.#values = new Float64Array(table.size);
    // NaN never equals a value: the first cycle pushes everything.
    this.#last = new Float64Array(table.size).fill(Number.NaN);
    this.#lastQ = new Uint8Array(table.size).fill(255);
    this.#types = Uint8Array.from(table.defs, (d) => TYPE_CODE[d.type]);
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.cycle();
    this.#timer = setInterval(() => this.cycle(), this.#periodMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** One sample: snapshot, diff, push the changes. Public for tests and the benchmark. */
  cycle(): void {
    const table = this.#table;
    if (!table.snapshot(this.#values, this.#info)) {
      this.stats.misses++;
      return;
    }
    this.stats.cycles++;
    const v = this.#values;
    const last = this.#last;
    const lastQ = this.#lastQ;
    const q = table.quality;
    const stamps = table.stamps;
    const vars = this.#nodes.variables;
    const n = table.size;
    let changedAny = false;
    for (let i = 0; i < n; i++) {
      const x = v[i]!;
      const qi = q[i]!;
      if (x === last[i] && qi === lastQ[i]) continue;
      changedAny = true;
      last[i] = x;
      lastQ[i] = qi;
      this.#push(vars[i]!, this.#types[i]!, x, qi, stamps[i]!);
    }
    if (changedAny) this.#pushPairs();
  }

  #pushPairs(): void {
    const v = this.#values;
    const q = this.#table.quality;
    const stamps = this.#table.stamps;
    for (const p of this.#nodes.pairs) {
      const m = v[p.model]!;
      const r = v[p.measured]!;
      const type = TYPE_CODE[p.type];
      const qm = q[p.model]!;
      const qr = q[p.measured]!;
      this.#push(p.modelNode, type, m, qm, stamps[p.model]!);
      this.#push(p.measuredNode, type, r, qr, stamps[p.measured]!);
      // The deviation is as good as the worse of its two inputs.
      const dq = qm > qr ? qm : qr;
      const at = stamps[p.model]! > stamps[p.measured]! ? stamps[p.model]! : stamps[p.measured]!;
      if (p.type === 'bool') this.#push(p.deviationNode, 0, (m !== 0) !== (r !== 0) ? 1 : 0, dq, at);
      else this.#push(p.deviationNode, 2, r - m, dq, at);
    }
  }

  #push(node: UAVariable, type: number, x: number, q: number, stamp: number): void {
    this.stats.updates++;
    const value = type === 0 ? { dataType: DATA_TYPE.bool, value: x !== 0 } : type === 1 ? { dataType: DATA_TYPE.int, value: x | 0 } : { dataType: DATA_TYPE.real, value: x };
    node.setValueFromSource(value, STATUS_OF[q] ?? StatusCodes.Bad, new Date(this.#epochMs + stamp * this.#dtMs));
  }
}
