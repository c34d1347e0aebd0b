// Authentication of an installation: its users (data/users.json), the installation secret,
// login with rate limiting, sessions, and the one-time setup token that creates the first
// admin when there are no users. Knows nothing of HTTP: hmi/server/auth-hook.ts maps requests
// onto it, and hmi/server writes the audit records (it knows the client address).

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TwinloopError } from '../errors.ts';
import { ensureDataDir, installationSecret } from './data-dir.ts';
import { LoginLimiter, type LoginLimits } from './login-limiter.ts';
import { dummyHash, verifyPassword } from './password.ts';
import type { Role } from './roles.ts';
import { Sessions, type Session } from './sessions.ts';
import { checkUserName, UserStore, type UserInfo } from './user-store.ts';

export interface AuthOptions {
  /** Session lifetime; default 8 h (one shift). */
  sessionTtlMs?: number;
  /** Failed logins per address and per user name; default 5 per 5 minutes. */
  loginLimits?: LoginLimits;
  /** Clock in ms; tests pass one to expire sessions without waiting. */
  now?: () => number;
}

/** A logged-in user as a request carries it. */
export interface Identity {
  readonly user: string;
  readonly role: Role;
  readonly session: string;
  readonly expires: number;
}

export type Authenticated = { ok: true; identity: Identity } | { ok: false; reason: 'unknown' | 'expired' };

export const DEFAULT_SESSION_TTL_MS = 8 * 3600_000;

export class Auth {
  readonly users: UserStore;
  readonly #sessions: Sessions;
  readonly #limiter: LoginLimiter;
  #setupHash: Buffer | undefined;

  /** Open (creating if needed) the data folder's users and secret. */
  constructor(dataDir: string, opts: AuthOptions = {}) {
    ensureDataDir(dataDir);
    const now = opts.now ?? Date.now;
    this.users = new UserStore(dataDir);
    this.#sessions = new Sessions(installationSecret(dataDir), opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, now);
    this.#limiter = new LoginLimiter(opts.loginLimits ?? { maxFailures: 5, windowMs: 5 * 60_000 }, now);
  }

  /**
   * With no users: a fresh one-time token that creates the first admin (printed by the caller,
   * kept here only as a hash). Undefined once a user exists. Each call replaces the last token.
   */
  newSetupToken(): string | undefined {
    if (this.users.size > 0) return undefined;
    const token = randomBytes(24).toString('base64url');
    this.#setupHash = sha256(token);
    return token;
  }

  get setupPending(): boolean {
    return this.#setupHash !== undefined && this.users.size === 0;
  }

  /** Create the first admin with the setup token. @throws TwinloopError AUTH_SETUP, USER_INVALID */
  async setup(token: string, name: string, password: string): Promise<UserInfo> {
    const want = this.#setupHash;
    if (want === undefined || this.users.size > 0 || !timingSafeEqual(sha256(token), want)) {
      throw new TwinloopError('AUTH_SETUP', 'setup token is wrong or already used, or users exist');
    }
    const user = await this.users.add(name, 'admin', password);
    this.#setupHash = undefined; // one-time
    return user;
  }

  /**
   * Check a password and open a session.
   * @throws TwinloopError AUTH_RATE_LIMIT (with retry time), AUTH_BAD_CREDENTIALS
   */
  async login(name: string, password: string, from: string): Promise<{ token: string; identity: Identity }> {
    const ipKey = `ip:${from}`;
    const userKey = `user:${name}`;
    const wait = Math.max(this.#limiter.retryAfter(ipKey), this.#limiter.retryAfter(userKey));
    if (wait > 0) throw new TwinloopError('AUTH_RATE_LIMIT', `too many failed logins; retry in ${Math.ceil(wait / 1000)} s`);
    let known = true;
    try {
      checkUserName(name);
    } catch {
      known = false;
    }
    const user = known ? this.users.get(name) : undefined;
    // Same cost for unknown users: no timing oracle for which names exist.
    const ok = await verifyPassword(password, user?.hash ?? (await dummyHash()));
    if (!ok || user === undefined) {
      this.#limiter.fail(ipKey);
      this.#limiter.fail(userKey);
      throw new TwinloopError('AUTH_BAD_CREDENTIALS', 'unknown user or wrong password');
    }
    this.#limiter.succeed(userKey);
    const { token, session } = this.#sessions.issue(user.name);
    return { token, identity: identity(session, user.role) };
  }

  /** Resolve a token to the user behind it, with the user's role as it is now. */
  authenticate(token: string): Authenticated {
    const found = this.#sessions.lookup(token);
    if (!found.ok) return found;
    const user = this.users.get(found.session.user);
    if (user === undefined) {
      this.#sessions.revokeUser(found.session.user);
      return { ok: false, reason: 'unknown' };
    }
    return { ok: true, identity: identity(found.session, user.role) };
  }

  logout(token: string): void {
    this.#sessions.revoke(token);
  }

  /** End every session of `name` (after a password change or removal). */
  revokeUser(name: string): void {
    this.#sessions.revokeUser(name);
  }
}

function identity(s: Session, role: Role): Identity {
  return { user: s.user, role, session: s.id, expires: s.expires };
}

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
