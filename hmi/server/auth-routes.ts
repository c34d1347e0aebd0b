// Login, logout, "who am I" and first-start setup. The session token goes into an httpOnly,
// SameSite=Strict cookie (the page never sees it); API clients ask for it in the body with
// `bearer: true` and send it as `Authorization: Bearer`. Logins, good and bad, are audited;
// logins refused unchecked (backoff, busy) in digest form like other anonymous refusals.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Identity } from '../../core/auth/auth.ts';
import { isTwinloopError } from '../../core/errors.ts';
import { clientAddress, requestToken } from './auth-hook.ts';
import type { ServerContext } from './context.ts';

/** Answer of GET /api/session and of a successful login/setup. */
export interface SessionInfo {
  user: string | null;
  role: string | null;
  /** ms since the epoch. */
  expires: number | null;
  /** True when no user exists yet and the setup token is waiting to be used. */
  setup: boolean;
  /** Only with `bearer: true` in the login body. */
  token?: string;
}

const loginBody = {
  type: 'object',
  required: ['name', 'password'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 256 },
    bearer: { type: 'boolean' },
  },
  additionalProperties: false,
} as const;

const setupBody = {
  type: 'object',
  required: ['token', 'name', 'password'],
  properties: {
    token: { type: 'string', minLength: 1, maxLength: 128 },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 256 },
  },
  additionalProperties: false,
} as const;

export function authRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const setCookie = (reply: FastifyReply, token: string, maxAgeS: number): void => {
    const secure = ctx.tls ? '; Secure' : '';
    reply.header('set-cookie', `${ctx.cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`);
  };
  const info = (id: Identity | null, token?: string): SessionInfo => ({
    user: id?.user ?? null,
    role: id?.role ?? null,
    expires: id?.expires ?? null,
    setup: ctx.auth.setupPending,
    ...(token !== undefined ? { token } : {}),
  });
  const audit = (request: FastifyRequest, action: 'login' | 'logout' | 'setup', user: string | null, result: 'ok' | 'denied', code?: string): void => {
    // Refused before any password check: a client hammering on its backoff is one record per window.
    if ((code === 'AUTH_RATE_LIMIT' || code === 'AUTH_BUSY') && !ctx.refusals.note({ source: clientAddress(request), route: `POST /api/${action}` }, { action, code })) return;
    // Failed logins share the denial budget: a password-guessing flood is not a disk-sync flood.
    const skipped = result === 'denied' ? ctx.denials.take() : 0;
    if (skipped < 0) return;
    const detail = skipped > 0 ? { detail: `${skipped} earlier denials not recorded: over the denial budget` } : {};
    try {
      ctx.audit.append({ action, user, role: request.identity?.role ?? null, from: clientAddress(request), result, ...(code !== undefined ? { code } : {}), ...detail });
    } catch (err) {
      // Logging in only lets a user see; every privileged action is refused while the log is down.
      request.log.error({ err }, `audit of ${action} failed`);
    }
  };

  app.get('/api/session', async (request): Promise<SessionInfo> => info(request.identity));

  app.post<{ Body: { name: string; password: string; bearer?: boolean } }>('/api/login', { schema: { body: loginBody } }, async (request, reply) => {
    const { name, password, bearer } = request.body;
    try {
      const { token, identity } = await ctx.auth.login(name, password, request.ip);
      request.identity = identity;
      audit(request, 'login', name, 'ok');
      setCookie(reply, token, Math.max(0, Math.floor((identity.expires - Date.now()) / 1000)));
      return info(identity, bearer === true ? token : undefined);
    } catch (err) {
      audit(request, 'login', name.slice(0, 64), 'denied', isTwinloopError(err) ? err.code : 'HMI_INTERNAL');
      throw err;
    }
  });

  app.post('/api/logout', async (request, reply): Promise<SessionInfo> => {
    const token = requestToken(request, ctx.cookieName);
    if (token !== undefined) ctx.auth.logout(token);
    if (request.identity !== null) audit(request, 'logout', request.identity.user, 'ok');
    setCookie(reply, '', 0);
    return info(null);
  });

  app.post<{ Body: { token: string; name: string; password: string } }>('/api/setup', { schema: { body: setupBody } }, async (request, reply) => {
    const { token, name, password } = request.body;
    let opened: Awaited<ReturnType<typeof ctx.auth.setup>>;
    try {
      opened = await ctx.auth.setup(token, name, password);
    } catch (err) {
      audit(request, 'setup', name.slice(0, 64), 'denied', isTwinloopError(err) ? err.code : 'HMI_INTERNAL');
      throw err;
    }
    const { token: session, identity } = opened;
    request.identity = identity;
    audit(request, 'setup', name, 'ok');
    setCookie(reply, session, Math.max(0, Math.floor((identity.expires - Date.now()) / 1000)));
    return info(identity);
  });
}
