// Login rate limiting: failed attempts are counted per client address and per user name in a
// sliding window; over the limit, logins for that key are refused (without checking the
// password, so guessing costs nothing but time) until the window has moved on. Bounded memory:
// the oldest keys are dropped past a cap, so a spray of names cannot grow the map.

export interface LoginLimits {
  /** Failures allowed per key within the window. */
  maxFailures: number;
  windowMs: number;
}

const MAX_KEYS = 10_000;

export class LoginLimiter {
  readonly #limits: LoginLimits;
  readonly #now: () => number;
  readonly #fails = new Map<string, number[]>();

  constructor(limits: LoginLimits, now: () => number) {
    this.#limits = limits;
    this.#now = now;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string): number {
    const times = this.#prune(key);
    if (times === undefined || times.length < this.#limits.maxFailures) return 0;
    return Math.max(1, times[0]! + this.#limits.windowMs - this.#now());
  }

  fail(key: string): void {
    const times = this.#prune(key) ?? [];
    times.push(this.#now());
    if (times.length > this.#limits.maxFailures) times.shift();
    this.#fails.delete(key); // re-insert: Map order = least recently failed first
    this.#fails.set(key, times);
    if (this.#fails.size > MAX_KEYS) this.#fails.delete(this.#fails.keys().next().value!);
  }

  succeed(key: string): void {
    this.#fails.delete(key);
  }

  #prune(key: string): number[] | undefined {
    const times = this.#fails.get(key);
    if (times === undefined) return undefined;
    const from = this.#now() - this.#limits.windowMs;
    while (times.length > 0 && times[0]! <= from) times.shift();
    if (times.length === 0) {
      this.#fails.delete(key);
      return undefined;
    }
    return times;
  }
}
