// Refusals of anonymous requests, recorded in digest form. Without a session anybody can send
// refused requests as fast as the network allows, each with a URL as long as the server takes;
// one audit record each would grow the log without bound (~27 KB/s from one client was
// measured). So per (source address, route) and window, the first refusal is recorded (its
// URL cut short) and the rest only counted; when the window has passed, one record says how
// many more there were. Logged-in users' refusals are still recorded one by one (budgeted).

import type { AuditAction } from '../../core/audit/audit-record.ts';

export interface DigestKey {
  /** Client address. */
  readonly source: string;
  /** Method and route pattern (not the URL: a pattern has a bounded number of values). */
  readonly route: string;
}

/** What the summary record repeats of the window's first refusal. */
export interface RefusalSample {
  readonly action: AuditAction;
  readonly code: string;
}

/** Called to write the summary of a window that had more refusals than its first. */
export type DigestWriter = (key: DigestKey, more: number, sample: RefusalSample) => void;

interface Window {
  readonly key: DigestKey;
  readonly opened: number;
  more: number;
  readonly sample: RefusalSample;
}

// Distinct (source, route) pairs tracked at once; beyond, refusals of new pairs are only counted
// into one overflow window, so a spray of addresses cannot grow memory either.
const MAX_KEYS = 1000;
const OVERFLOW: DigestKey = { source: '(many sources)', route: '(any route)' };

export class RefusalDigest {
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #write: DigestWriter;
  readonly #windows = new Map<string, Window>();
  readonly #timer: NodeJS.Timeout;

  constructor(windowMs: number, write: DigestWriter, now: () => number = Date.now) {
    if (!(windowMs > 0)) throw new RangeError('refusal digest windowMs must be positive');
    this.#windowMs = windowMs;
    this.#write = write;
    this.#now = now;
    // Summaries of quiet pairs are written by this timer; unref: it never keeps the process up.
    this.#timer = setInterval(() => this.#closeWindows(false), windowMs);
    this.#timer.unref();
  }

  /**
   * A refusal happened. True: record it now (the first of its window); false: counted only.
   * `sample` (of the first refusal) is handed back to the writer with the window's count.
   */
  note(key: DigestKey, sample: RefusalSample): boolean {
    let id = `${key.source}\u0000${key.route}`;
    const w = this.#windows.get(id);
    if (w !== undefined && this.#now() - w.opened < this.#windowMs) {
      w.more++;
      return false;
    }
    if (w !== undefined) this.#closeWindow(id, w);
    if (this.#windows.size >= MAX_KEYS) {
      id = 'overflow';
      const o = this.#windows.get(id);
      if (o !== undefined) {
        o.more++;
        return false;
      }
      this.#windows.set(id, { key: OVERFLOW, opened: this.#now(), more: 0, sample });
      return true;
    }
    this.#windows.set(id, { key, opened: this.#now(), more: 0, sample });
    return true;
  }

  /** Write every pending summary (at close). */
  flush(): void {
    this.#closeWindows(true);
  }

  close(): void {
    clearInterval(this.#timer);
    this.flush();
  }

  #closeWindows(all: boolean): void {
    const now = this.#now();
    for (const [id, w] of this.#windows) if (all || now - w.opened >= this.#windowMs) this.#closeWindow(id, w);
  }

  #closeWindow(id: string, w: Window): void {
    this.#windows.delete(id);
    if (w.more > 0) this.#write(w.key, w.more, w.sample);
  }
}
