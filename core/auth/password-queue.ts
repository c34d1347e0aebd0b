// A small queue in front of password checks. scrypt costs ~32 MiB and tens of ms of a core per
// check; without a bound, a burst of logins (one name or many) queues seconds of hashing in
// libuv's thread pool, which also serves file reads, so the whole server slows down. At most
// `concurrency` checks run at once and `maxWaiting` wait; beyond that a login is refused at
// once (429 AUTH_BUSY) instead of being queued.

import { TwinloopError } from '../errors.ts';

export interface PasswordQueueLimits {
  /** Checks running at once. Default 2 (libuv has 4 threads; leave room for file I/O). */
  readonly concurrency: number;
  /** Checks waiting for a slot. Default 8. */
  readonly maxWaiting: number;
}

export const DEFAULT_PASSWORD_QUEUE: PasswordQueueLimits = { concurrency: 2, maxWaiting: 8 };

export class PasswordQueue {
  readonly #limits: PasswordQueueLimits;
  #running = 0;
  readonly #waiting: Array<() => void> = [];
  #started = 0;

  constructor(limits: PasswordQueueLimits = DEFAULT_PASSWORD_QUEUE) {
    if (!(Number.isInteger(limits.concurrency) && limits.concurrency >= 1)) throw new RangeError('passwordQueue.concurrency must be a positive integer');
    if (!(Number.isInteger(limits.maxWaiting) && limits.maxWaiting >= 0)) throw new RangeError('passwordQueue.maxWaiting must be a non-negative integer');
    this.#limits = limits;
  }

  /** True when a new check would be refused. */
  get full(): boolean {
    return this.#running >= this.#limits.concurrency && this.#waiting.length >= this.#limits.maxWaiting;
  }

  /** Checks started since creation (tests bound floods by this count, not by time). */
  get started(): number {
    return this.#started;
  }

  /** Run one check in turn. @throws TwinloopError AUTH_BUSY when the queue is full */
  async run<T>(check: () => Promise<T>): Promise<T> {
    if (this.full) throw new TwinloopError('AUTH_BUSY', 'too many logins are being checked at once; retry in a moment');
    if (this.#running >= this.#limits.concurrency) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#running++;
    this.#started++;
    try {
      return await check();
    } finally {
      // Hand the slot straight to the next waiter (the running count stays), or free it.
      const next = this.#waiting.shift();
      if (next !== undefined) next();
      else this.#running--;
    }
  }
}
