// A budget for audit records of refused requests. Every denial is worth a record, but each
// record is an fsync on the HMI thread: an anonymous flood of refused requests must not turn
// into a flood of disk syncs (or fill the disk). Up to `perSecond` on average (with a burst)
// are written; the rest are counted and the count goes into the next record that is written.
// Attempts and outcomes of carried-out actions are never subject to this budget.

export class DenialBudget {
  readonly #perSecond: number;
  readonly #burst: number;
  #tokens: number;
  #at: number;
  #suppressed = 0;

  constructor(perSecond = 50, burst = 200) {
    this.#perSecond = perSecond;
    this.#burst = burst;
    this.#tokens = burst;
    this.#at = performance.now();
  }

  /**
   * Ask to write one denial record. Returns -1 when over budget (not written, counted), else the
   * number of earlier denials that were not written (to mention in this record).
   */
  take(): number {
    const now = performance.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) / 1000) * this.#perSecond);
    this.#at = now;
    if (this.#tokens < 1) {
      this.#suppressed++;
      return -1;
    }
    this.#tokens -= 1;
    const skipped = this.#suppressed;
    this.#suppressed = 0;
    return skipped;
  }
}
