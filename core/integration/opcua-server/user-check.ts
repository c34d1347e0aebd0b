// OPC UA username tokens checked against twinloop's user store, without opening an HMI session:
// the same scrypt verification, the same backoff per (name, address) pair and a bounded queue
// of password checks as the HMI login (core/auth), and the user's role read afresh from the
// store at every check, so a role changed from the shell applies to the next OPC UA action.

import { NodeId, WellKnownRoles } from 'node-opcua';
import { DEFAULT_LOGIN_LIMITS, LoginLimiter } from '../../auth/login-limiter.ts';
import { dummyHash, verifyPassword } from '../../auth/password.ts';
import { DEFAULT_PASSWORD_QUEUE, PasswordQueue } from '../../auth/password-queue.ts';
import { roleAtLeast, type Role } from '../../auth/roles.ts';
import { USER_NAME, type UserStore } from '../../auth/user-store.ts';

/** OPC UA well-known roles per twinloop role (Part 3 §4.9 / Part 18): each includes the ones below. */
function wellKnown(role: Role): NodeId[] {
  const ids: number[] = [WellKnownRoles.AuthenticatedUser, WellKnownRoles.Observer];
  if (roleAtLeast(role, 'operator')) ids.push(WellKnownRoles.Operator);
  if (roleAtLeast(role, 'engineer')) ids.push(WellKnownRoles.Engineer);
  if (roleAtLeast(role, 'admin')) ids.push(WellKnownRoles.Supervisor, WellKnownRoles.ConfigureAdmin, WellKnownRoles.SecurityAdmin);
  return ids.map((i) => new NodeId(NodeId.NodeIdType.NUMERIC, i, 0));
}

/** How long node-opcua's view of a user's roles may lag a change made in the store. */
const ROLE_CACHE_MS = 1000;

export class UserCheck {
  readonly #users: UserStore;
  readonly #limiter = new LoginLimiter(DEFAULT_LOGIN_LIMITS, Date.now);
  readonly #queue = new PasswordQueue(DEFAULT_PASSWORD_QUEUE);
  readonly #roles = new Map<string, { at: number; roles: NodeId[] }>();

  constructor(users: UserStore) {
    this.#users = users;
  }

  /** True for a known user with this password; false when wrong, rate-limited or the queue is full. */
  async check(name: string, password: string, from: string): Promise<boolean> {
    if (this.#limiter.retryAfter(name, from) > 0 || this.#queue.full) return false;
    this.#limiter.begin(name, from);
    const user = USER_NAME.test(name) ? this.#users.get(name) : undefined;
    // Same cost for unknown users: no timing oracle for which names exist.
    const ok = await this.#queue.run(async () => verifyPassword(password, user?.hash ?? (await dummyHash())));
    const now = user === undefined ? undefined : this.#users.get(name);
    if (!ok || now === undefined || now.hash !== user!.hash) return false;
    this.#limiter.succeed(name, from);
    return true;
  }

  /** The user's role now, or undefined when the user is gone. */
  roleOf(name: string): Role | undefined {
    return USER_NAME.test(name) ? this.#users.get(name)?.role : undefined;
  }

  /**
   * OPC UA roles of a user (node-opcua's UserManager.getUserRoles). node-opcua asks for every
   * permission check, i.e. for every value of every monitored item it reports: a stat of
   * users.json each time cost ~6 % of a core in the benchmark, so the answer is kept for
   * ROLE_CACHE_MS. Writes and alarm methods read the role afresh (roleOf).
   */
  rolesOf(name: string): NodeId[] {
    const now = Date.now();
    const hit = this.#roles.get(name);
    if (hit !== undefined && now - hit.at < ROLE_CACHE_MS) return hit.roles;
    const role = this.roleOf(name);
    const roles = role === undefined ? [] : wellKnown(role);
    // Bounded: at most one entry per name that authenticated; dropped wholesale past the cap.
    if (this.#roles.size >= 1000) this.#roles.clear();
    this.#roles.set(name, { at: now, roles });
    return roles;
  }
}
