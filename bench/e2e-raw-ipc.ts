// What the ADS and S7 baselines of the end-to-end benchmark (issue 24; e2e-raw-ads.ts,
// e2e-raw-s7.ts) share with the OPC UA one (e2e-raw.ts): take now - value for every new value
// of a tag (the PLC wrote its change time as the value), from 300 ms after start; answer
// `{ t: 'round' }` with the round's histogram, `{ t: 'cpu' }` with the CPU time, and on
// `{ t: 'stop' }` close and exit (after 2 s whatever the close does).

import { changeTime } from './e2e-plc-schedule.ts';
import { LatencyHistogram } from './e2e-histogram.ts';

export class RawBaseline {
  readonly #hist = new LatencyHistogram();
  readonly #seen: Float64Array;
  #ready = false;

  constructor(tags: number) {
    this.#seen = new Float64Array(tags);
    setTimeout(() => (this.#ready = true), 300);
  }

  /** Tag i now reads v (the same value again is no change). */
  take(i: number, v: number): void {
    if (v === this.#seen[i]) return;
    this.#seen[i] = v;
    if (this.#ready && v > 0) this.#hist.add(changeTime() - v);
  }

  serve(close: () => Promise<void>): void {
    process.on('message', (m: { t: string }) => {
      if (m.t === 'round') {
        process.send?.({ t: 'round', hist: this.#hist.toSparse() });
        this.#hist.reset();
      } else if (m.t === 'cpu') {
        const c = process.cpuUsage();
        process.send?.({ t: 'cpu', us: c.user + c.system });
      } else if (m.t === 'stop') {
        setTimeout(() => process.exit(0), 2000).unref();
        void close()
          .catch(() => undefined)
          .then(() => process.exit(0));
      }
    });
    process.on('disconnect', () => process.exit(0));
    process.send?.({ t: 'ready' });
  }
}

/** Call `read` on the exchange's deadline grid: every `cycleMs`, at most one in flight. */
export function pollGrid(cycleMs: number, read: () => Promise<void>): { stop(): void } {
  const t0 = performance.now();
  let k = 0;
  let reading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = (): void => {
    if (stopped) return;
    if (!reading) {
      reading = true;
      read().then(
        () => (reading = false),
        () => (reading = false),
      );
    }
    k = Math.max(k + 1, Math.floor((performance.now() - t0) / cycleMs));
    timer = setTimeout(tick, Math.max(0, t0 + (k + 1) * cycleMs - performance.now()));
  };
  tick();
  return {
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
