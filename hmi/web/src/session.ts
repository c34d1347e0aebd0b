// The page's side of login: who is logged in (GET /api/session), log in, first-start setup,
// log out. The session itself is an httpOnly cookie the page never sees; these calls only
// learn the user's name and role, which decide which controls are offered (the server checks
// every action again: hiding a button is convenience, not security).

import type { Role } from '../../../core/auth/roles.ts';

export interface PageSession {
  user: string | null;
  role: Role | null;
  expires: number | null;
  setup: boolean;
}

const RANK: Readonly<Record<Role, number>> = { viewer: 0, operator: 1, engineer: 2, admin: 3 };

/** True when the session's role is `need` or above (mirrors core/auth/roles.ts). */
export function may(session: PageSession, need: Role): boolean {
  return session.role !== null && RANK[session.role] >= RANK[need];
}

async function post(path: string, body?: unknown): Promise<PageSession> {
  const init: RequestInit = { method: 'POST', credentials: 'same-origin' };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const json = (await res.json().catch(() => ({}))) as PageSession & { error?: string; message?: string };
  if (!res.ok) throw new Error(json.message ?? `${res.status} ${res.statusText}`);
  return json;
}

export async function currentSession(): Promise<PageSession> {
  const res = await fetch('/api/session', { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`session: ${res.status}`);
  return (await res.json()) as PageSession;
}

export const logIn = (name: string, password: string): Promise<PageSession> => post('/api/login', { name, password });
export const setUp = (token: string, name: string, password: string): Promise<PageSession> => post('/api/setup', { token, name, password });
export const logOut = (): Promise<PageSession> => post('/api/logout');
