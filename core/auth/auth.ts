// Authentication of an installation: its users (data/users.json), the installation secret,
// login (with a backoff per name and address, and a bounded queue of password checks), sessions, and the one-time setup token that creates the first
// admin when there are no users. Knows nothing of HTTP: hmi/server/auth-hook.ts maps requests
// onto it, and hmi/server writes the audit records (it knows the client address).
// A session is good only while its user exists with the stamp it was opened with, so a
// password or role change made anywhere (API, CLI, another server process) ends it at once.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { TwinloopError } from '../errors.ts';
import { ensureDataDir, installationSecret } from './data-dir.ts';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter, type LoginLimits } from './login-limiter.ts';
import { checkPasswordRules, dummyHash, verifyPassword } from './password.ts';
import { DEFAULT_PASSWORD_QUEUE, PasswordQueue, type PasswordQueueLimits } from './password-queue.ts';
import type { Role } from './roles.ts';
import { DEFAULT_SESSION_LIMITS, Sessions, type Session, type SessionLimits } from './sessions.ts';
import { checkUserName, UserStore, type UserInfo } from './user-store.ts';

export interface AuthOptions {
  /** Session lifetime; default 8 h (one shift). */
  sessionTtlMs?: number;
  /** Login backoff per (user name, address) pair; default 5 free attempts, then 1 s doubling to 60 s. */
  loginLimits?: LoginLimits;
  /** Password checks at once and waiting; default 2 and 8 (more: 429 AUTH_BUSY at once). */
  passwordQueue?: PasswordQueueLimits;
  /** Live sessions in all and per user; default 10000 and 20. */
  sessionLimits?: SessionLimits;
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
  readonly #queue: PasswordQueue;
  #setupHash: Buffer | undefined;

  /** Open (creating if needed) the data folder's users and secret. */
  constructor(dataDir: string, opts: AuthOptions = {}) {
    ensureDataDir(dataDir);
    const now = opts.now ?? Date.now;
    this.users = new UserStore(dataDir);
    this.#sessions = new Sessions(installationSecret(dataDir), opts.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS, now, opts.sessionLimits ?? DEFAULT_SESSION_LIMITS);
    this.#limiter = new LoginLimiter(opts.loginLimits ?? DEFAULT_LOGIN_LIMITS, now);
    this.#queue = new PasswordQueue(opts.passwordQueue ?? DEFAULT_PASSWORD_QUEUE);
  }

  /** Password checks started by login() since creation (floods are bounded by this count). */
  get passwordChecks(): number {
    return this.#queue.started;
  }

  /** Live sessions of a user. */
  sessionsOf(name: string): number {
    return this.#sessions.countOf(name);
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

  /**
   * Create the first admin with the setup token and open their session. The token is consumed
   * before the first await, so parallel requests with it cannot create several admins; it is
   * given back only if writing the user failed and still nobody exists.
   * @throws TwinloopError AUTH_SETUP, USER_INVALID
   */
  async setup(token: string, name: string, password: string): Promise<{ token: string; identity: Identity; user: UserInfo }> {
    const want = this.#setupHash;
    if (want === undefined || this.users.size > 0 || !timingSafeEqual(sha256(token), want)) {
      throw new TwinloopError('AUTH_SETUP', 'setup token is wrong or already used, or users exist');
    }
    // Bad input must not burn the token: check it before consuming.
    checkUserName(name);
    checkPasswordRules(password);
    this.#setupHash = undefined; // one-time, taken synchronously
    let user: UserInfo;
    try {
      user = await this.users.add(name, 'admin', password);
    } catch (err) {
      if (this.users.size === 0) this.#setupHash = want;
      throw err;
    }
    const { token: session, session: s } = this.#sessions.issue(user.name, this.users.get(user.name)?.stamp ?? '');
    return { token: session, identity: identity(s, user.role), user };
  }

  /**
   * Check a password and open a session. The attempt is booked before the check (parallel
   * requests cannot outrun the backoff) and the check waits in a bounded queue.
   * @throws TwinloopError AUTH_RATE_LIMIT (with retry time), AUTH_BUSY, AUTH_BAD_CREDENTIALS
   */
  async login(name: string, password: string, from: string): Promise<{ token: string; identity: Identity }> {
    const wait = this.#limiter.retryAfter(name, from);
    if (wait > 0) throw new TwinloopError('AUTH_RATE_LIMIT', `too many failed logins for ${name.slice(0, 64)} from this address; retry in ${Math.ceil(wait / 1000)} s`);
    if (this.#queue.full) throw new TwinloopError('AUTH_BUSY', 'too many logins are being checked at once; retry in a moment');
    this.#limiter.begin(name, from);
    let known = true;
    try {
      checkUserName(name);
    } catch {
      known = false;
    }
    const user = known ? this.users.get(name) : undefined;
    // Same cost for unknown users: no timing oracle for which names exist.
    const ok = await this.#queue.run(async () => verifyPassword(password, user?.hash ?? (await dummyHash())));
    // Re-read: the user may have been changed or removed while the password was checked.
    const now = user === undefined ? undefined : this.users.get(name);
    if (!ok || now === undefined || now.hash !== user!.hash) {
      throw new TwinloopError('AUTH_BAD_CREDENTIALS', 'unknown user or wrong password');
    }
    this.#limiter.succeed(name, from);
    const { token, session } = this.#sessions.issue(now.name, now.stamp ?? '');
    return { token, identity: identity(session, now.role) };
  }

  /** Resolve a token to the user behind it, with the user's role as it is now. */
  authenticate(token: string): Authenticated {
    const found = this.#sessions.lookup(token);
    if (!found.ok) return found;
    const user = this.users.get(found.session.user);
    if (user === undefined || (user.stamp ?? '') !== found.session.stamp) {
      // Removed, or password or role changed since login (here, from the CLI or another process).
      // Only this session: the user may have logged in again since, with the new stamp.
      this.#sessions.revoke(token);
      return { ok: false, reason: 'unknown' };
    }
    return { ok: true, identity: identity(found.session, user.role) };
  }

  logout(token: string): void {
    this.#sessions.revoke(token);
  }

  /** End every session of `name` now (the stamp check would also end them at their next request). */
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
