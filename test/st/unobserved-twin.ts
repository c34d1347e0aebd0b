// A differential twin for the ST tests: two instances of one compiled program, one held in the
// observed scan and one in the unobserved scan (plc-adapters/st/unobserved/), fed the same inputs
// and writes. After every scan the output images, the run state (status, fault and its site,
// scan count, clock, assertion failures) and the whole memory must be equal, else the scan
// throws with the first difference. The unobserved instance runs the checked form of its scan
// (compiled with checkUnobserved), which stores its locals into their cells at the end of the
// scan and reads none of them back: the comparison does not trust the liveness analysis, a
// variable it wrongly kept in a local makes later scans differ. In a scan that faulted the
// locals are lost, and only the bytes outside them are compared.
// Reads go to the observed instance, so a test written for one program runs unchanged:
// `ST_SCAN=differential node --import tsx test/st/conformance/timers.test.ts` (harness.ts).

import type { StProgram } from '../../plc-adapters/st/st-program.ts';

/** Methods that change a program: applied to both instances, in the same order. */
const BOTH = new Set(['write', 'set', 'force', 'release', 'select', 'reset', 'watch', 'restoreState']);

export interface TwinStats {
  scans: number;
  /** Scans where the unobserved instance kept at least one variable in a local. */
  withLocals: number;
}

export const twinStats: TwinStats = { scans: 0, withLocals: 0 };

// With ST_SCAN_STATS=1, print how many scans ran and how many of them had locals at the end.
if (process.env.ST_SCAN_STATS) process.on('exit', () => console.log(`twin scans: ${twinStats.scans}, of which with variables in locals: ${twinStats.withLocals}`));

export function twin(make: () => StProgram): StProgram {
  const a = make();
  const b = make();
  a.scanMode = 'observed';
  b.scanMode = 'unobserved-checked';
  const dead = b.deadRanges;
  const isDead = new Uint8Array(a.memory.byteLength);
  for (const d of dead) isDead.fill(1, d.addr, d.addr + d.size);
  const scan = (i: Float64Array, q: Float64Array, cycleMs: number): void => {
    const qb = new Float64Array(q.length);
    qb.set(q);
    a.scan(i, q, cycleMs);
    b.scan(i, qb, cycleMs);
    twinStats.scans++;
    if (dead.length > 0 && b.unobserved) twinStats.withLocals++;
    const where = `scan ${a.scans} of ${a.name}`;
    for (let k = 0; k < q.length; k++) {
      if (!Object.is(q[k], qb[k])) throw new Error(`${where}: output ${a.io.outputs[k]?.address} is ${qb[k]} in the unobserved scan, ${q[k]} in the observed one`);
    }
    if (a.status !== b.status || a.scans !== b.scans || a.clockMs !== b.clockMs) throw new Error(`${where}: run state differs (${a.status}/${a.scans}/${a.clockMs} observed, ${b.status}/${b.scans}/${b.clockMs} unobserved)`);
    const fa = JSON.stringify(a.fault);
    const fb = JSON.stringify(b.fault);
    if (fa !== fb) throw new Error(`${where}: fault differs: ${fa} observed, ${fb} unobserved`);
    const ra = JSON.stringify(a.runtime.failures);
    const rb = JSON.stringify(b.runtime.failures);
    if (ra !== rb || a.runtime.finished !== b.runtime.finished) throw new Error(`${where}: assertion results differ: ${ra} observed, ${rb} unobserved`);
    // A watchdog stops an endless loop after a wall-clock time: how far the loop got (and so
    // the memory it wrote) differs from run to run in either scan; the fault itself was compared.
    if (a.fault?.kind === 'watchdog') return;
    const faulted = a.fault !== null && a.fault.scan === a.scans;
    const ma = new Uint8Array(a.memory);
    const mb = new Uint8Array(b.memory);
    for (let k = 0; k < ma.length; k++) {
      if (ma[k] !== mb[k] && (!faulted || isDead[k] === 0)) throw new Error(`${where}: persistent memory differs at byte ${k} (${mb[k]} unobserved, ${ma[k]} observed)`);
    }
  };
  return new Proxy(a, {
    get(target, prop) {
      if (prop === 'scan') return scan;
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v === 'function' && typeof prop === 'string' && BOTH.has(prop)) {
        return (...args: unknown[]) => {
          (Reflect.get(b, prop) as (...x: unknown[]) => unknown).apply(b, args);
          return (v as (...x: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof v === 'function' ? (v as (...x: unknown[]) => unknown).bind(target) : v;
    },
  });
}
