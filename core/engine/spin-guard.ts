// How long a paced worker spins before each deadline. Atomics.wait wakes the thread late by the
// OS timer's slack plus the futex round trip: ~90 µs on this kind of VM, now and then more. A
// fixed spin must cover the worst of it (0.3 ms of every 1 ms wake: ~30 % of a core, burnt even
// when nothing is connected). An adaptive guard learns how late the waits actually wake and
// spins only that much: the wait ends just before the deadline and the spin covers the last
// few µs, so the 1 ms grid keeps its lateness while the idle worker costs a few % of a core.
//
// The guard tracks the 95th percentile of the waits' overshoot with the frugal streaming
// quantile estimator (Ma, Muthukrishnan, Sandler 2013: step up by a·q when a sample is above
// the estimate, down by a·(1-q) otherwise; it settles where a fraction 1-q of the samples lie
// above it): no buffer, no allocation, one compare per wake. A wait that overshoots beyond the
// guard makes that one step late by the excess, as a fixed spin does when the OS stalls longer.

/** The quantile of the overshoot the guard covers: 19 waits of 20 end before their deadline. */
export const GUARD_QUANTILE = 0.95;
/** Step of the estimator, ms: from the 0.3 ms start to ~0.1 ms in ~1 s of 1 ms wakes. */
export const GUARD_STEP_MS = 0.005;
/** The guard never goes below this, ms: the spin also absorbs the wake's own jitter. */
export const GUARD_MIN_MS = 0.02;

/** The spin before a deadline: fixed, or learned from how late the waits wake. */
export class SpinGuard {
  #ms: number;
  readonly #maxMs: number;
  readonly #adaptive: boolean;

  /**
   * @param maxMs the spin at the start and its upper bound (a fixed guard spins exactly this)
   * @param adaptive learn the spin from the waits' overshoot (below maxMs), or keep it fixed
   * @example new SpinGuard(0.3, true) // precise pacing's default
   */
  constructor(maxMs: number, adaptive: boolean) {
    this.#ms = maxMs;
    this.#maxMs = maxMs;
    this.#adaptive = adaptive && maxMs > GUARD_MIN_MS;
  }

  /** The spin before the next deadline, ms. */
  get ms(): number {
    return this.#ms;
  }

  /** A wait for `askedMs` timed out `overshootMs` after it should have (negative: early). */
  observe(overshootMs: number): void {
    if (!this.#adaptive) return;
    const g = overshootMs > this.#ms ? this.#ms + GUARD_STEP_MS * GUARD_QUANTILE : this.#ms - GUARD_STEP_MS * (1 - GUARD_QUANTILE);
    this.#ms = g < GUARD_MIN_MS ? GUARD_MIN_MS : g > this.#maxMs ? this.#maxMs : g;
  }
}
