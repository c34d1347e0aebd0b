// Login sessions, in memory: a restart logs everyone out, which is the safe default for a
// server that can move machines. The token handed to the client is 32 random bytes; the table
// is keyed by HMAC(installation secret, token), so the table alone (a heap dump, a log of
// keys) does not give usable tokens. Expiry is absolute (no sliding), checked on every use.

import { createHmac, randomBytes } from 'node:crypto';

export interface Session {
  readonly user: string;
  /** Short, non-secret id for the audit log (first 12 hex of the key). */
  readonly id: string;
  readonly created: number;
  readonly expires: number;
}

export type Lookup = { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'expired' };

// A bound on live sessions so a login loop by a valid user cannot grow memory without end.
const MAX_SESSIONS = 10_000;

export class Sessions {
  readonly #secret: Buffer;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #byKey = new Map<string, Session>();

  constructor(secret: Buffer, ttlMs: number, now: () => number) {
    this.#secret = secret;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  issue(user: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const key = this.#key(token);
    const now = this.#now();
    const session: Session = { user, id: key.slice(0, 12), created: now, expires: now + this.#ttlMs };
    if (this.#byKey.size >= MAX_SESSIONS) this.#sweep();
    if (this.#byKey.size >= MAX_SESSIONS) this.#byKey.delete(this.#byKey.keys().next().value!);
    this.#byKey.set(key, session);
    return { token, session };
  }

  lookup(token: string): Lookup {
    // Tokens are 43 base64url characters; anything else cannot be one (and is not hashed).
    if (token.length !== 43 || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'unknown' };
    const key = this.#key(token);
    const session = this.#byKey.get(key);
    if (session === undefined) return { ok: false, reason: 'unknown' };
    if (this.#now() >= session.expires) {
      this.#byKey.delete(key);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, session };
  }

  revoke(token: string): void {
    this.#byKey.delete(this.#key(token));
  }

  /** End every session of a user (password change, removal, role change). */
  revokeUser(user: string): void {
    for (const [key, s] of this.#byKey) if (s.user === user) this.#byKey.delete(key);
  }

  get size(): number {
    return this.#byKey.size;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, s] of this.#byKey) if (now >= s.expires) this.#byKey.delete(key);
  }

  #key(token: string): string {
    return createHmac('sha256', this.#secret).update(token).digest('hex');
  }
}
