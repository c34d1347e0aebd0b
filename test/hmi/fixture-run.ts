// A small stand-in RunControl for HMI tests that must not depend on the physics engine: a real
// SignalTable with sorting-station-like signals and layout, published from a timer. Items move
// along two belts, tall ones get pushed into binTall, short ones end in binShort. Crude physics
// on purpose; what matters is that values change, pause/step/reset/pace behave like the engine's.

import type { LayoutEntry, Pace, RunControl, RunState, RunStatus } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import { SignalTable, type SignalDef } from '../../core/signals.ts';

export interface FixtureOptions {
  /** Item slots published as items.<k>.*; default 12. */
  slots?: number;
  /** Extra real signals `extra.<k>` (for size tests); default 0. */
  extra?: number;
  /** Start paused. */
  paused?: boolean;
}

const DT = 0.001;
const TIMER_MS = 10;
const PX_PER_M = 100;
// Geometry as in examples/sorting.yaml (scale 100 px/m; belts from their start point, other
// components centred on theirs), so the fixture page looks like the real one.
const Y = 250;
const INFEED_X = 60;
const INFEED_LEN = 4; // m
const SORTER_X = 460;
const SORTER_LEN = 3; // m
const PUSH_AT = 2; // m along the sorter
const BIN_TALL_Y = 130;

export class FixtureRun implements RunControl {
  readonly table: SignalTable;
  readonly lineName = 'sorting (fixture)';
  readonly layout: readonly LayoutEntry[];
  readonly #work: Float64Array;
  readonly #slots: number;
  #state: RunState;
  #pace: Pace = { kind: 'realtime', factor: 1 };
  #tick = 0;
  #timer: NodeJS.Timeout | undefined;
  #wallAt = performance.now();
  // Item state per slot: position along the whole line (m), lateral offset (m), class, alive.
  #pos: Float64Array;
  #lat: Float64Array;
  #cls: Uint8Array;
  #alive: Uint8Array;
  #spawnIn = 0;
  #rng = 1;
  #energy = 0;
  #temp = 20;
  #pusher = 0;
  #counts = { tall: 0, short: 0 };
  #i: Record<string, number> = {};

  constructor(opts: FixtureOptions = {}) {
    this.#slots = opts.slots ?? 12;
    const defs: SignalDef[] = [];
    const add = (name: string, type: SignalDef['type'], unit: string, kind: SignalDef['kind'] = 'state'): void => {
      defs.push({ name, type, kind, unit });
    };
    for (const m of ['m1', 'm2']) {
      add(`${m}.speed`, 'real', 'Hz');
      add(`${m}.current`, 'real', 'A');
      add(`${m}.temperature`, 'real', '°C');
      add(`${m}.power`, 'real', 'kW');
    }
    add('line.power', 'real', 'kW');
    add('line.energy', 'real', 'kWh');
    add('pe1.blocked', 'bool', '', 'sensor');
    add('pe2.blocked', 'bool', '', 'sensor');
    add('hs1.high', 'bool', '', 'sensor');
    add('hs1.height', 'real', 'm');
    add('pu1.position', 'real', '');
    add('pu1.extended', 'bool', '', 'sensor');
    add('binTall.count', 'int', '');
    add('binShort.count', 'int', '');
    add('infeed.speed', 'real', 'm/s');
    add('infeed.items', 'int', '');
    add('sorter.speed', 'real', 'm/s');
    add('sorter.items', 'int', '');
    for (let k = 0; k < this.#slots; k++) {
      add(`items.${k}.x`, 'real', 'px');
      add(`items.${k}.y`, 'real', 'px');
      add(`items.${k}.alive`, 'bool', '');
      add(`items.${k}.cls`, 'int', '');
    }
    for (let k = 0; k < (opts.extra ?? 0); k++) add(`extra.${k}`, 'real', '');
    this.table = SignalTable.create(defs);
    for (const d of defs) this.#i[d.name] = this.table.id(d.name);
    this.#work = new Float64Array(defs.length);
    this.#pos = new Float64Array(this.#slots);
    this.#lat = new Float64Array(this.#slots);
    this.#cls = new Uint8Array(this.#slots);
    this.#alive = new Uint8Array(this.#slots);
    const e = (id: string, type: string, x: number, y: number, refs: Record<string, string>, params: Record<string, number>, wh?: { w: number; h: number }): LayoutEntry => ({ id, type, x, y, refs, params, ...wh });
    this.layout = [
      e('m1', 'drive', 260, 320, {}, {}),
      e('m2', 'drive', 610, 320, {}, {}),
      e('infeed', 'conveyor', INFEED_X, Y, { drive: 'm1', next: 'sorter' }, { length: INFEED_LEN, beltSpeed: 0.4 }),
      e('sorter', 'conveyor', SORTER_X, Y, { drive: 'm2', next: 'binShort' }, { length: SORTER_LEN, beltSpeed: 0.6 }),
      e('src', 'source', 20, Y, { conveyor: 'infeed' }, { rate: 0.4 }),
      e('pe1', 'photoeye', 0, 0, { conveyor: 'sorter' }, { position: 0.5 }),
      e('hs1', 'classifier', 0, 0, { conveyor: 'sorter' }, { position: 0.5, threshold: 0.1 }),
      e('pe2', 'photoeye', 0, 0, { conveyor: 'sorter' }, { position: 2.0 }),
      e('pu1', 'pusher', 0, 0, { conveyor: 'sorter', bin: 'binTall' }, { position: PUSH_AT, width: 0.3 }),
      e('binShort', 'bin', 800, Y, {}, {}),
      e('binTall', 'bin', SORTER_X + PUSH_AT * PX_PER_M, BIN_TALL_Y, {}, {}),
    ];
    this.#state = opts.paused ? 'paused' : 'running';
    this.#reset();
    this.#timer = setInterval(() => this.#onTimer(), TIMER_MS);
  }

  status(): RunStatus {
    return {
      state: this.#state,
      mode: 'virtual',
      pace: this.#pace,
      tick: this.#tick,
      time: this.#tick * DT,
      dt: DT,
      stats: { ticks: this.#tick, wakes: this.#tick, lateP50: 40, lateP99: 180, lateMax: 900, overruns: 0, stepsPerSecond: 1000, realtimeFactor: 1 },
      controllers: [{ name: 'plc1', protocol: 'sim', state: 'connected', cycleMs: 10, cycles: Math.floor(this.#tick / 10) }],
    };
  }

  async pause(): Promise<void> {
    this.#state = 'paused';
  }

  async resume(): Promise<void> {
    this.#state = 'running';
    this.#wallAt = performance.now();
  }

  async step(ticks = 10): Promise<void> {
    if (this.#state !== 'paused') throw new TwinloopError('RUN_BAD_REQUEST', 'step needs a paused run');
    this.#advance(ticks);
  }

  async reset(): Promise<void> {
    this.#reset();
  }

  async setPace(pace: Pace): Promise<void> {
    this.#pace = pace;
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#state = 'stopped';
  }

  #onTimer(): void {
    const now = performance.now();
    const wall = now - this.#wallAt;
    this.#wallAt = now;
    if (this.#state !== 'running') return;
    const ticks = this.#pace.kind === 'fast' ? 2000 : Math.round((wall / 1000 / DT) * this.#pace.factor);
    this.#advance(Math.min(ticks, 20_000));
  }

  #reset(): void {
    this.#tick = 0;
    this.#alive.fill(0);
    this.#spawnIn = 0;
    this.#energy = 0;
    this.#temp = 20;
    this.#pusher = 0;
    this.#counts = { tall: 0, short: 0 };
    this.#publish();
  }

  #random(): number {
    // xorshift: deterministic items for a given sequence of ticks.
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    return this.#rng / 0x100000000;
  }

  /** Advance in 10-tick chunks (one controller cycle): plenty for a test double. */
  #advance(ticks: number): void {
    while (ticks > 0) {
      const n = Math.min(10, ticks);
      ticks -= n;
      this.#tick += n;
      this.#stepModel(n * DT);
    }
    this.#publish();
  }

  #stepModel(dt: number): void {
    const v = 0.5; // m/s, one speed for both belts: a test double
    this.#spawnIn -= dt;
    if (this.#spawnIn <= 0) {
      this.#spawnIn = 1.5;
      const k = this.#alive.indexOf(0);
      if (k >= 0) {
        this.#alive[k] = 1;
        this.#pos[k] = 0;
        this.#lat[k] = 0;
        this.#cls[k] = this.#random() < 0.5 ? 1 : 2;
      }
    }
    const pushStart = INFEED_LEN + PUSH_AT;
    let wantPush = false;
    for (let k = 0; k < this.#slots; k++) {
      if (!this.#alive[k]) continue;
      if (this.#lat[k]! > 0) {
        this.#lat[k] = this.#lat[k]! + dt * 1.2;
        if (this.#lat[k]! > (Y - BIN_TALL_Y) / PX_PER_M) {
          this.#alive[k] = 0;
          this.#counts.tall++;
        }
        continue;
      }
      this.#pos[k] = this.#pos[k]! + v * dt;
      const p = this.#pos[k]!;
      if (this.#cls[k] === 2 && p >= pushStart && p < pushStart + 0.15) {
        wantPush = true;
        if (this.#pusher > 0.5) this.#lat[k] = 0.01;
      }
      if (p >= INFEED_LEN + SORTER_LEN) {
        this.#alive[k] = 0;
        this.#counts.short++;
      }
    }
    this.#pusher = Math.min(1, Math.max(0, this.#pusher + (wantPush ? dt * 6 : -dt * 3)));
    this.#temp += (45 - this.#temp) * dt * 0.01;
    this.#energy += (2.2 * dt) / 3600;
  }

  #publish(): void {
    const w = this.#work;
    const i = this.#i;
    const t = this.#tick * DT;
    const ripple = Math.sin(t * 2);
    w[i['m1.speed']!] = 50;
    w[i['m2.speed']!] = 50 + 0.3 * ripple;
    w[i['m1.current']!] = 3.1 + 0.2 * Math.sin(t * 3);
    w[i['m2.current']!] = 3.4 + 0.1 * ripple;
    w[i['m1.temperature']!] = this.#temp;
    w[i['m2.temperature']!] = this.#temp + 2;
    w[i['m1.power']!] = 1.05;
    w[i['m2.power']!] = 1.15 + 0.05 * ripple;
    w[i['line.power']!] = 2.2 + 0.05 * ripple;
    w[i['line.energy']!] = this.#energy;
    let onInfeed = 0;
    let onSorter = 0;
    let pe1 = 0;
    let pe2 = 0;
    let tall = 0;
    for (let k = 0; k < this.#slots; k++) {
      const alive = this.#alive[k]!;
      const p = this.#pos[k]!;
      const onS = p >= INFEED_LEN;
      if (alive) {
        if (onS) onSorter++;
        else onInfeed++;
        const s = p - INFEED_LEN;
        if (onS && Math.abs(s - 0.5) < 0.07) pe1 = 1;
        if (onS && Math.abs(s - PUSH_AT) < 0.07) pe2 = 1;
        if (onS && Math.abs(s - 0.5) < 0.07 && this.#cls[k] === 2) tall = 1;
      }
      const x = onS ? SORTER_X + (p - INFEED_LEN) * PX_PER_M : INFEED_X + p * PX_PER_M;
      w[i[`items.${k}.x`]!] = alive ? x : 0;
      w[i[`items.${k}.y`]!] = alive ? Y - this.#lat[k]! * PX_PER_M : 0;
      w[i[`items.${k}.alive`]!] = alive;
      w[i[`items.${k}.cls`]!] = alive ? this.#cls[k]! : 0;
    }
    w[i['pe1.blocked']!] = pe1;
    w[i['pe2.blocked']!] = pe2;
    w[i['hs1.high']!] = tall;
    w[i['hs1.height']!] = tall ? 0.15 : pe1 ? 0.05 : 0;
    w[i['infeed.speed']!] = 0.4;
    w[i['sorter.speed']!] = 0.6;
    w[i['pu1.position']!] = this.#pusher;
    w[i['pu1.extended']!] = this.#pusher > 0.95 ? 1 : 0;
    w[i['binTall.count']!] = this.#counts.tall;
    w[i['binShort.count']!] = this.#counts.short;
    w[i['infeed.items']!] = onInfeed;
    w[i['sorter.items']!] = onSorter;
    this.table.publish(w, this.#tick, this.#tick * DT);
  }
}
