// The users of an installation: name, role and password hash, in <data>/users.json (0600),
// written atomically. The server and the `twinloop user` command share the file; the server
// re-reads it when it changed on disk, so a user added from the shell can log in at once.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TwinloopError } from '../errors.ts';
import { checkPasswordRules, hashPassword } from './password.ts';
import { isRole, ROLES, type Role } from './roles.ts';
import { writePrivateFile } from './data-dir.ts';

export interface UserRecord {
  readonly name: string;
  readonly role: Role;
  readonly hash: string;
  /** ISO times. */
  readonly created: string;
  readonly changed: string;
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
    const rec: UserRecord = { name, role, hash, created: now, changed: now };
    this.#users.set(name, rec);
    this.#save();
    return info(rec);
  }

  /** @throws TwinloopError USER_UNKNOWN, USER_INVALID */
  async setPassword(name: string, password: string): Promise<UserInfo> {
    checkPasswordRules(password);
    const hash = await hashPassword(password);
    return this.#update(name, (u) => ({ ...u, hash }));
  }

  /** @throws TwinloopError USER_UNKNOWN, USER_INVALID */
  setRole(name: string, role: Role): UserInfo {
    checkRole(role);
    return this.#update(name, (u) => ({ ...u, role }));
  }

  /** @throws TwinloopError USER_UNKNOWN */
  remove(name: string): void {
    this.#reload();
    if (!this.#users.delete(name)) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    this.#save();
  }

  #update(name: string, fn: (u: UserRecord) => UserRecord): UserInfo {
    this.#reload();
    const u = this.#users.get(name);
    if (u === undefined) throw new TwinloopError('USER_UNKNOWN', `no user ${name}`);
    const next = { ...fn(u), changed: new Date().toISOString() };
    this.#users.set(name, next);
    this.#save();
    return info(next);
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

function info(u: UserRecord): UserInfo {
  return { name: u.name, role: u.role, created: u.created, changed: u.changed };
}
