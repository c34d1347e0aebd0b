// Login backoff per (user name, client address) pair. A pair gets `maxFailures` attempts at
// once; after that each further attempt must wait a delay that doubles (1 s, 2 s, 4 s ... up to
// `maxDelayMs`), during which that pair is refused (429) without its password being checked.
//
// Why a pair and not the name or the address alone: a limit per name lets anyone lock a user
// out by guessing wrong on purpose, and a limit per address locks out everyone behind one
// reverse proxy. Per pair, a guesser slows only themselves; the user, from their own address,
// still gets in with the right password. (Set the server's `trustProxy` so that the address is
// the client's and not the proxy's.) Total guessing across addresses is bounded by the password
// queue (password-queue.ts), not here.
//
// Attempts are counted when they START, before the slow password check, so parallel requests
// cannot all slip in before the first failure is booked. A success clears the pair.
// Bounded memory: the least recently used pairs are dropped past a cap.

export interface LoginLimits {
  /** Attempts a (name, address) pair may make without waiting. */
  maxFailures: number;
  /** A pair quiet this long starts afresh. */
  windowMs: number;
  /** First wait after the free attempts; doubles with each further attempt. Default 1000. */
  baseDelayMs?: number;
  /** Longest wait between two attempts of a pair. Default 60000. */
  maxDelayMs?: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { maxFailures: 5, windowMs: 5 * 60_000, baseDelayMs: 1000, maxDelayMs: 60_000 };

const MAX_KEYS = 10_000;

interface PairState {
  /** Attempts booked and not cleared by a success. */
  attempts: number;
  /** Time of the last booked attempt. */
  last: number;
  /** No attempt before this time. */
  until: number;
}

export class LoginLimiter {
  readonly #limits: Required<LoginLimits>;
  readonly #now: () => number;
  readonly #pairs = new Map<string, PairState>();

  constructor(limits: LoginLimits, now: () => number) {
    if (!(Number.isInteger(limits.maxFailures) && limits.maxFailures >= 1)) throw new RangeError('loginLimits.maxFailures must be a positive integer');
    if (!(limits.windowMs > 0)) throw new RangeError('loginLimits.windowMs must be a positive number');
    this.#limits = { baseDelayMs: 1000, maxDelayMs: 60_000, ...limits };
    this.#now = now;
  }

  /** Milliseconds until this pair may try again; 0 when it may now. */
  retryAfter(name: string, address: string): number {
    const s = this.#get(pairKey(name, address));
    return s === undefined ? 0 : Math.max(0, s.until - this.#now());
  }

  /** Book an attempt as it starts (before the password is checked). */
  begin(name: string, address: string): void {
    const key = pairKey(name, address);
    const now = this.#now();
    const s = this.#get(key) ?? { attempts: 0, last: now, until: 0 };
    s.attempts++;
    s.last = now;
    const over = s.attempts - this.#limits.maxFailures;
    if (over >= 0) s.until = now + Math.min(this.#limits.maxDelayMs, this.#limits.baseDelayMs * 2 ** Math.min(over, 30));
    this.#pairs.delete(key); // re-insert: Map order = least recently used first
    this.#pairs.set(key, s);
    if (this.#pairs.size > MAX_KEYS) this.#pairs.delete(this.#pairs.keys().next().value!);
  }

  /** The password was right: the pair starts afresh. */
  succeed(name: string, address: string): void {
    this.#pairs.delete(pairKey(name, address));
  }

  #get(key: string): PairState | undefined {
    const s = this.#pairs.get(key);
    if (s !== undefined && this.#now() - s.last >= this.#limits.windowMs && this.#now() >= s.until) {
      this.#pairs.delete(key);
      return undefined;
    }
    return s;
  }
}

// NUL cannot occur in a user name (checked) nor in an address.
function pairKey(name: string, address: string): string {
  return `${name}\u0000${address}`;
}
