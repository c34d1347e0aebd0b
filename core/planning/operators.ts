// The operator pool: n operators that stations need for changeovers and repairs. A claim of d
// working seconds from t gets the earliest start >= t at which some operator is free for the
// whole task; a station waits for that start (the wait shows in the results). Operators keep
// their claims as sorted busy windows, so a claim computed later may still fill an earlier gap:
// the schedule is evaluated order by order, not strictly in time order. Deterministic: among
// operators free at the same start, the lowest-numbered one takes the task.

import type { Calendar, Window } from './calendar.ts';

export interface Claim {
  readonly start: number;
  readonly end: number;
  /** Operator index, -1 with an unlimited pool. */
  readonly operator: number;
}

export class OperatorPool {
  /** null: unlimited (no one ever waits). */
  readonly size: number | null;
  readonly #busy: Window[][];
  readonly #cal: Calendar;

  constructor(size: number | null, cal: Calendar) {
    this.size = size;
    this.#cal = cal;
    this.#busy = Array.from({ length: size ?? 0 }, () => []);
  }

  /** Book an operator for `work` working seconds at the earliest start >= t. */
  claim(t: number, work: number): Claim {
    const cal = this.#cal;
    if (this.size === null || work <= 0) {
      const s = cal.nextWorking(t);
      return { start: s, end: cal.advance(s, work), operator: -1 };
    }
    let at = t;
    // Each round either books or moves `at` past the end of one busy window: bounded by their number.
    const rounds = this.#busy.reduce((n, b) => n + b.length, 0) + 2;
    for (let r = 0; r < rounds; r++) {
      const s = cal.nextWorking(at);
      const e = cal.advance(s, work);
      let nextTry = Infinity;
      for (let k = 0; k < this.#busy.length; k++) {
        const clash = this.#busy[k]!.find((w) => w.start < e && w.end > s);
        if (clash === undefined) {
          this.#insert(k, { start: s, end: e });
          return { start: s, end: e, operator: k };
        }
        nextTry = Math.min(nextTry, clash.end);
      }
      at = nextTry;
    }
    // Past the last busy window every operator is free.
    const last = Math.max(t, ...this.#busy.flat().map((w) => w.end));
    const s = cal.nextWorking(last);
    const e = cal.advance(s, work);
    this.#insert(0, { start: s, end: e });
    return { start: s, end: e, operator: 0 };
  }

  #insert(k: number, w: Window): void {
    const list = this.#busy[k]!;
    let i = list.length;
    while (i > 0 && list[i - 1]!.start > w.start) i--;
    list.splice(i, 0, w);
  }
}
