// A real HMI server for tests with a fresh data folder (temp dir) and one logged-in user per
// role: users are created through the server's own store and logged in over HTTP, so the
// tokens are real sessions. close() stops the server and removes the folder.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROLES, type Role } from '../../core/auth/roles.ts';
import { createServer, type HmiServer, type HmiServerOptions } from '../../hmi/server/server.ts';

export interface Secured {
  server: HmiServer;
  dataDir: string;
  password: string;
  /** Bearer token of the user `<role>1`, e.g. viewer1. */
  tokens: Record<Role, string>;
  /** Authorization header for a role. */
  bearer(role: Role): Record<string, string>;
  /** Cookie header for a role (as the page sends it). */
  cookie(role: Role): Record<string, string>;
  close(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'twinloop-test-'));
}

/** POST /api/login with bearer: true; returns the token (throws on failure). */
export async function login(url: string, name: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password, bearer: true }) });
  const body = (await res.json()) as { token?: string; error?: string };
  if (res.status !== 200 || body.token === undefined) throw new Error(`login ${name}: ${res.status} ${body.error}`);
  return body.token;
}

export async function startSecured(opts: Omit<HmiServerOptions, 'dataDir'> & { dataDir?: string; skipLogins?: boolean }): Promise<Secured> {
  const { skipLogins, ...serverOpts } = opts;
  const dataDir = opts.dataDir ?? tempDataDir();
  const server = await createServer({ port: 0, ...serverOpts, dataDir });
  const password = randomBytes(12).toString('base64url');
  const tokens = {} as Record<Role, string>;
  if (skipLogins !== true) {
    await Promise.all(ROLES.map((role) => server.auth.users.add(`${role}1`, role, password)));
    for (const role of ROLES) tokens[role] = await login(server.url, `${role}1`, password);
  }
  return {
    server,
    dataDir,
    password,
    tokens,
    bearer: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    cookie: (role) => ({ cookie: `twinloop_session=${tokens[role]}` }),
    close: async () => {
      await server.close();
      if (opts.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
