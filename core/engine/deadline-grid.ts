// The physics clock's deadline grid: deadline k is t0 + k*period, never "now + period", so
// lateness does not accumulate. Missed periods are caught up to a cap; beyond it the grid is
// rebased and the dropped periods are counted as overruns. Pure arithmetic on an injected
// time, so it is tested without a real clock.

export class DeadlineGrid {
  readonly periodMs: number;
  readonly catchUpCap: number;
  #t0 = 0;
  #k = 1;
  #overruns = 0;
  #lastLateMs = 0;

  /**
   * @param periodMs wall time between deadlines
   * @param catchUpCap most periods run back to back after a stall before the rest are dropped
   */
  constructor(periodMs: number, catchUpCap: number) {
    if (!(periodMs > 0)) throw new RangeError(`periodMs must be > 0, got ${periodMs}`);
    if (!Number.isInteger(catchUpCap) || catchUpCap < 1) throw new RangeError(`catchUpCap must be a positive integer, got ${catchUpCap}`);
    this.periodMs = periodMs;
    this.catchUpCap = catchUpCap;
  }

  /** Start the grid at `nowMs`: the first deadline is one period later. */
  start(nowMs: number): void {
    this.#t0 = nowMs;
    this.#k = 1;
    this.#lastLateMs = 0;
  }

  /** Wall time of the next deadline. */
  get next(): number {
    return this.#t0 + this.#k * this.periodMs;
  }

  /** Periods dropped so far because a stall exceeded the catch-up cap. */
  get overruns(): number {
    return this.#overruns;
  }

  /** Lateness of the last wake against its deadline, ms (>= 0). */
  get lastLateMs(): number {
    return this.#lastLateMs;
  }

  /**
   * Account for a wake at `nowMs`. Returns how many periods are due now (0 if woken early),
   * at most the catch-up cap, and advances the grid past them.
   */
  advance(nowMs: number): number {
    const next = this.next;
    if (nowMs < next) return 0;
    this.#lastLateMs = nowMs - next;
    let due = Math.floor((nowMs - this.#t0) / this.periodMs) - this.#k + 1;
    if (due > this.catchUpCap) {
      const dropped = due - this.catchUpCap;
      this.#overruns += dropped;
      // Rebase: the dropped periods are gone, the model falls behind the wall clock by them.
      this.#t0 += dropped * this.periodMs;
      due = this.catchUpCap;
    }
    this.#k += due;
    return due;
  }
}
