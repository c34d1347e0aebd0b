// Login sessions, in memory: a restart logs everyone out, which is the safe default for a
// server that can move machines. The token handed to the client is 32 random bytes; the table
// is keyed by HMAC(installation secret, token), so the table alone (a heap dump, a log of
// keys) does not give usable tokens. Expiry is absolute (no sliding), checked on every use.
// Each session remembers the user's stamp (user-store.ts) at login: the caller compares it with
// the stamp in users.json now, so a password or role change from anywhere ends the session.

import { createHmac, randomBytes } from 'node:crypto';

export interface Session {
  readonly user: string;
  /** Short, non-secret id for the audit log (first 12 hex of the key). */
  readonly id: string;
  readonly created: number;
  readonly expires: number;
  /** The user's stamp when the session was opened. */
  readonly stamp: string;
}

export type Lookup = { ok: true; session: Session } | { ok: false; reason: 'unknown' | 'expired' };

export interface SessionLimits {
  /** Live sessions in all; a login loop by a valid user cannot grow memory without end. */
  readonly total: number;
  /** Live sessions per user; beyond it the user's own oldest session ends, nobody else's. */
  readonly perUser: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { total: 10_000, perUser: 20 };

export class Sessions {
  readonly #secret: Buffer;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #limits: SessionLimits;
  // Map order is insertion order: the first entry is the oldest session.
  readonly #byKey = new Map<string, Session>();
  // Keys of each user's sessions, oldest first, so the per-user cap costs no table walk.
  readonly #byUser = new Map<string, Set<string>>();

  constructor(secret: Buffer, ttlMs: number, now: () => number, limits: SessionLimits = DEFAULT_SESSION_LIMITS) {
    this.#secret = secret;
    this.#ttlMs = ttlMs;
    this.#now = now;
    this.#limits = limits;
  }

  issue(user: string, stamp: string): { token: string; session: Session } {
    const token = randomBytes(32).toString('base64url');
    const key = this.#key(token);
    const now = this.#now();
    const session: Session = { user, id: key.slice(0, 12), created: now, expires: now + this.#ttlMs, stamp };
    const mine = this.#byUser.get(user);
    if (mine !== undefined && mine.size >= this.#limits.perUser) this.#delete(mine.values().next().value!);
    if (this.#byKey.size >= this.#limits.total) this.#sweep();
    if (this.#byKey.size >= this.#limits.total) this.#delete(this.#byKey.keys().next().value!);
    this.#byKey.set(key, session);
    if (mine === undefined) this.#byUser.set(user, new Set([key]));
    else mine.add(key);
    return { token, session };
  }

  lookup(token: string): Lookup {
    // Tokens are 43 base64url characters; anything else cannot be one (and is not hashed).
    if (token.length !== 43 || !/^[A-Za-z0-9_-]+$/.test(token)) return { ok: false, reason: 'unknown' };
    const key = this.#key(token);
    const session = this.#byKey.get(key);
    if (session === undefined) return { ok: false, reason: 'unknown' };
    if (this.#now() >= session.expires) {
      this.#delete(key);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, session };
  }

  revoke(token: string): void {
    this.#delete(this.#key(token));
  }

  /** End every session of a user (password change, removal, role change). */
  revokeUser(user: string): void {
    for (const key of this.#byUser.get(user) ?? []) this.#byKey.delete(key);
    this.#byUser.delete(user);
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Live sessions of one user. */
  countOf(user: string): number {
    return this.#byUser.get(user)?.size ?? 0;
  }

  #delete(key: string): void {
    const s = this.#byKey.get(key);
    if (s === undefined) return;
    this.#byKey.delete(key);
    const mine = this.#byUser.get(s.user);
    mine?.delete(key);
    if (mine?.size === 0) this.#byUser.delete(s.user);
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, s] of this.#byKey) if (now >= s.expires) this.#delete(key);
  }

  #key(token: string): string {
    return createHmac('sha256', this.#secret).update(token).digest('hex');
  }
}
