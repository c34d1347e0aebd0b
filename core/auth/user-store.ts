// The users of an installation: name, role and password hash, in <data>/users.json (0600),
// written atomically. The server and the `twinloop user` command share the file; the server
// re-reads it when it changed on disk (a stat per lookup), so a user added from the shell can
// log in at once, and a password or role changed from the shell ends that user's sessions in
// the running server at their next request: every change draws a new random `stamp`, and a
// session is only good while the stamp it was opened with is still the user's.
//
// Changes are one synchronous step (re-read, check, write): the last-admin guard and the change
// it guards cannot be interleaved by parallel requests. Password hashing (slow, async) happens
// before that step, never between the check and the write.

import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TwinloopError } from '../errors.ts';
import { checkPasswordRules, hashPassword } from './password.ts';
import { isRole, ROLES, type Role } from './roles.ts';
import { FILE_MODE, writePrivateFile } from './data-dir.ts';

export interface UserRecord {
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  /** ISO times. */
  readonly created: string;
  readonly changed: string;
  /**
   * Random, redrawn on creation and on every password or role change; sessions remember it.
   * Absent in files written before it existed (read as '').
   */
  readonly stamp?: string;
}

/** A change of one user: a new role, a new password, or both (one write, one new stamp). */
export interface UserChange {
  readonly role?: Role;
  readonly password?: string;
}

/** What the API and CLI show of a user (never the hash). */
export interface UserInfo {
  readonly name: string;
  readonly role: Role;
  readonly created: string;
  readonly changed: string;
}

interface UsersFile {
  version: 1;
  users: UserRecord[];
}

/** Letters, digits, dot, dash, underscore; starts with a letter; at most 64. */
export const USER_NAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;

export function checkUserName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !USER_NAME.test(name)) {
    throw new TwinloopError('USER_INVALID', 'a user name is 1-64 letters, digits, ".", "-" or "_", starting with a letter');
  }
}

export function checkRole(role: unknown): asserts role is Role {
  if (!isRole(role)) throw new TwinloopError('USER_INVALID', `a role is one of ${ROLES.join(', ')}`);
}

export class UserStore {
  readonly #path: string;
  // A Map, never an object indexed by a client-sent name: "__proto__" must be just a miss.
  #users = new Map<string, UserRecord>();
  #stamp = '';

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'users.json');
    // Re-tighten on open: a restored backup or a copy often comes back 0644.
    try {
      chmodSync(this.#path, FILE_MODE);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.#reload();
  }

  get size(): number {
    this.#reload();
    return this.#users.size;
  }

  get(name: string): UserRecord | undefined {
    this.#reload();
    return this.#users.get(name);
  }

  list(): UserInfo[] {
    this.#reload();
    return [...this.#users.values()].map(info).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** @throws TwinloopError USER_INVALID, USER_EXISTS */
  async add(name: string, role: Role, password: string): Promise<UserInfo> {
    checkUserName(name);
    checkRole(role);
    checkPasswordRules(password);
    const hash = await hashPassword(password);
    this.#reload();
    if (this.#users.has(name)) throw new TwinloopError('USER_EXISTS', `user ${name} exists already`);
    const now = new Date().toISOString();
    const rec: UserRecord = { name, role, hash, created: now, changed: now, stamp: newStamp() };
    this.#users.set(name, rec);
    this.#save();
    return info(rec);
  }

  /** @throws TwinloopError USER_UNKNOWN, USER_INVALID */
  setPassword(name: string, password: string): Promise<UserInfo> {
    return this.change(name, { password });
  }

  /** @throws TwinloopError USER_UNKNOWN, USER_INVALID (also: the last admin cannot be demoted) */
  setRole(name: string, role: Role): UserInfo {
    checkRole(role);
    return this.#update(name, { role });
  }

  /**
   * Change a user's role and/or password in one write. The password is hashed first; then the
   * file is re-read, the last-admin guard checked and the change written without yielding.
   * @throws TwinloopError USER_UNKNOWN, USER_INVALID (rules, or demoting the last admin)
   */
  async change(name: string, change: UserChange): Promise<UserInfo> {
    if (change.role === undefined && change.password === undefined) throw new TwinloopError('USER_INVALID', 'a change needs a role or a password');
    if (change.role !== undefined) checkRole(change.role);
    if (change.password !== undefined) checkPasswordRules(change.password);
    if (this.get(name) === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    const hash = change.password !== undefined ? await hashPassword(change.password) : undefined;
    return this.#update(name, { ...(change.role !== undefined ? { role: change.role } : {}), ...(hash !== undefined ? { hash } : {}) });
  }

  /** @throws TwinloopError USER_UNKNOWN, USER_INVALID (the last admin cannot be removed) */
  remove(name: string): void {
    this.#reload();
    const u = this.#users.get(name);
    if (u === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    if (u.role === 'admin') this.#guardLastAdmin(name);
    this.#users.delete(name);
    this.#save();
  }

  /** Synchronous from re-read to write: nothing can run between the guard and the change. */
  #update(name: string, patch: { role?: Role; hash?: string }): UserInfo {
    this.#reload();
    const u = this.#users.get(name);
    if (u === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    if (u.role === 'admin' && patch.role !== undefined && patch.role !== 'admin') this.#guardLastAdmin(name);
    const next: UserRecord = { ...u, ...patch, changed: new Date().toISOString(), stamp: newStamp() };
    this.#users.set(name, next);
    this.#save();
    return info(next);
  }

  #guardLastAdmin(name: string): void {
    for (const u of this.#users.values()) if (u.role === 'admin' && u.name !== name) return;
    throw new TwinloopError('USER_INVALID', `${name} is the last admin; add another admin first`);
  }

  #reload(): void {
    let stamp: string;
    try {
      const st = statSync(this.#path);
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.#users = new Map();
      this.#stamp = '';
      return;
    }
    if (stamp === this.#stamp) return;
    let file: UsersFile;
    try {
      file = JSON.parse(readFileSync(this.#path, 'utf8')) as UsersFile;
    } catch (err) {
      throw new TwinloopError('CFG_READ', `${this.#path} is not readable JSON: ${(err as Error).message}`, { cause: err });
    }
    const users = new Map<string, UserRecord>();
    for (const u of Array.isArray(file.users) ? file.users : []) {
      if (typeof u?.name === 'string' && USER_NAME.test(u.name) && isRole(u.role) && typeof u.hash === 'string') users.set(u.name, u);
    }
    this.#users = users;
    this.#stamp = stamp;
  }

  #save(): void {
    const file: UsersFile = { version: 1, users: [...this.#users.values()] };
    writePrivateFile(this.#path, JSON.stringify(file, null, 2) + '\n');
    this.#stamp = ''; // re-stat next time
  }
}

function newStamp(): string {
  return randomBytes(9).toString('base64url');
}

function info(u: UserRecord): UserInfo {
  return { name: u.name, role: u.role, created: u.created, changed: u.changed };
}
