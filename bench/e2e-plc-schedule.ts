// The change schedule and IPC face shared by the end-to-end benchmark's PLC processes (issue 24:
// OPC UA in e2e-plc.ts, ADS in e2e-plc-ads.ts, S7 in e2e-plc-s7.ts), so every protocol's tags
// change the same way: on `{ t: 'change', n }` the first n tags get the current time (ms since
// the epoch, sub-ms: performance.timeOrigin + performance.now(), the clock every process of the
// bench reads on this host) as their value, all at once, 0.6..1.4 s apart (1 Hz on average at
// a random phase, so changes never line up with anyone's cycle; xorshift: the same phases in
// every run); `{ t: 'quiet' }` stops; `{ t: 'cpu' }` answers the CPU time; `{ t: 'stop' }`
// calls `stop` and exits (bounded: exits after 3 s whatever `stop` does).

import { performance } from 'node:perf_hooks';

export const changeTime = (): number => performance.timeOrigin + performance.now();

/** Serve the schedule: `write(n, t)` gives the first n tags the value t. */
export function serveChanges(tags: number, write: (n: number, t: number) => void, stop: () => Promise<void>): void {
  let changing = 0;
  let timer: NodeJS.Timeout | undefined;
  let changes = 0;
  let rng = 0x2545f491;
  const random = (): number => {
    rng ^= rng << 13;
    rng ^= rng >>> 17;
    rng ^= rng << 5;
    return (rng >>> 0) / 0x100000000;
  };
  const second = (): void => {
    timer = setTimeout(() => {
      write(changing, changeTime());
      changes += changing;
      second();
    }, 1000 - 400 + random() * 800);
  };
  process.on('message', (m: { t: string; n?: number }) => {
    if (m.t === 'change') {
      changing = Math.min(tags, m.n ?? tags);
      if (timer === undefined) second();
    } else if (m.t === 'quiet') {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    } else if (m.t === 'cpu') {
      const c = process.cpuUsage();
      process.send?.({ t: 'cpu', us: c.user + c.system, changes });
    } else if (m.t === 'stop') {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      setTimeout(() => process.exit(0), 3000).unref();
      void stop()
        .catch(() => undefined)
        .then(() => process.exit(0));
    }
  });
  // The bench died without saying stop: do not outlive it.
  process.on('disconnect', () => process.exit(0));
}
