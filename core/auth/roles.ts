// The four roles, ordered: each one may do everything the ones below it may. The role matrix
// (which route and message needs which role) lives in hmi/server/access.ts; this file only
// knows the order.

export const ROLES = ['viewer', 'operator', 'engineer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, engineer: 2, admin: 3 };

/** True when `role` is `need` or above it. */
export function roleAtLeast(role: Role, need: Role): boolean {
  return RANK[role] >= RANK[need];
}

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
