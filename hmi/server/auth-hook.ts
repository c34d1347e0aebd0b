// Authorization of every request, server side, from the role matrix (access.ts): an onRequest
// hook resolves who is asking (session cookie or bearer token; nothing else is believed: no
// user headers, no X-Forwarded-For), refuses cross-site state changes, and checks the route's
// rule. It runs for the WebSocket upgrade too, so an unauthorized socket is never opened.
// Denials of audited routes are written to the audit log: a logged-in user's one by one
// (within the denial budget), anonymous ones in digest form (refusal-digest.ts).

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuditAction } from '../../core/audit/audit-record.ts';
import type { Identity } from '../../core/auth/auth.ts';
import { roleAtLeast } from '../../core/auth/roles.ts';
import { TwinloopError, type ErrorCode } from '../../core/errors.ts';
import { routeRule } from './access.ts';
import type { ServerContext } from './context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking; null when anonymous. Set by the auth hook before any handler runs. */
    identity: Identity | null;
  }
}

// Longest URL written into an audit record: enough to see what was asked, not a storage channel.
const URL_IN_AUDIT = 100;

/** The session cookies a request carries (normally none or one). */
export function sessionCookies(request: FastifyRequest, cookieName: string): string[] {
  const cookie = request.headers.cookie;
  const found: string[] = [];
  if (typeof cookie !== 'string') return found;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === cookieName) found.push(part.slice(eq + 1).trim());
  }
  return found;
}

/**
 * The token a request carries: `Authorization: Bearer` first, then the session cookie. With
 * more than one session cookie there is none: which one the browser lists first depends on
 * paths and ages, and a cookie planted by a sibling host (cookie tossing) must not get to pick
 * the session. The auth hook refuses such requests on every route that needs a login.
 */
export function requestToken(request: FastifyRequest, cookieName: string): string | undefined {
  const authz = request.headers.authorization;
  if (typeof authz === 'string' && authz.startsWith('Bearer ')) return authz.slice(7).trim();
  const cookies = sessionCookies(request, cookieName);
  return cookies.length === 1 ? cookies[0] : undefined;
}

/** "address transport" for the audit log. */
export function clientAddress(request: FastifyRequest): string {
  return `${request.ip} ${request.routeOptions.url === '/ws' ? 'ws' : 'http'}`;
}

/**
 * Record a refusal; never throws (a denial stands whether or not it could be logged). Within
 * the denial budget (ctx.denials); denials over it are counted into the next record.
 */
export function auditDenied(ctx: ServerContext, request: FastifyRequest, action: AuditAction, code: ErrorCode, detail: string, target?: string): void {
  if (target !== undefined && target.length > URL_IN_AUDIT) target = `${target.slice(0, URL_IN_AUDIT)}…`;
  if (request.identity === null) {
    // Anonymous: the first refusal per source and route in a window is recorded, the rest counted.
    const route = `${request.method} ${request.routeOptions.url ?? '(no route)'}`;
    if (!ctx.refusals.note({ source: clientAddress(request), route }, { action, code })) return;
  }
  const skipped = ctx.denials.take();
  if (skipped < 0) return;
  if (skipped > 0) detail += ` (and ${skipped} earlier denials not recorded: over the denial budget)`;
  try {
    ctx.audit.append({
      action,
      user: request.identity?.user ?? null,
      role: request.identity?.role ?? null,
      from: clientAddress(request),
      result: 'denied',
      code,
      detail,
      ...(target !== undefined ? { target } : {}),
    });
  } catch (err) {
    request.log.error({ err }, 'audit of a denial failed');
  }
}

export function installAuthHook(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest('identity', null);
  // A refused WebSocket upgrade is answered over the raw socket, which the HTTP server no longer
  // tracks: end it here, or it stays open (and keeps close() waiting) until the client leaves.
  app.addHook('onResponse', async (request, reply) => {
    if (reply.statusCode >= 400 && request.headers.upgrade !== undefined) request.raw.socket.destroy();
  });
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route: the not-found handler answers
    const rule = routeRule(request.method, url);
    const deny = (code: ErrorCode, message: string): never => {
      if (rule?.audit !== undefined) auditDenied(ctx, request, rule.audit, code, message, request.url);
      throw new TwinloopError(code, message);
    };
    if (rule === undefined) deny('AUTH_FORBIDDEN', `${request.method} ${url} is not in the role matrix`);
    if (rule!.need !== 'public' && request.headers.authorization === undefined && sessionCookies(request, ctx.cookieName).length > 1) {
      deny('HMI_BAD_REQUEST', `more than one ${ctx.cookieName} cookie; remove this site's cookies and log in again`);
    }
    const token = requestToken(request, ctx.cookieName);
    let expired = false;
    if (token !== undefined) {
      const found = ctx.auth.authenticate(token);
      if (found.ok) request.identity = found.identity;
      else expired = found.reason === 'expired';
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') checkSameSite(request, deny);
    if (rule!.need === 'public') return;
    if (rule!.scrape === true && request.identity === null && ctx.scrape.allows(request.headers.authorization)) return;
    if (request.identity === null) {
      deny('AUTH_REQUIRED', expired ? 'session expired; log in again' : token !== undefined ? 'unknown session; log in again' : 'log in first');
    }
    if (!roleAtLeast(request.identity!.role, rule!.need)) {
      deny('AUTH_FORBIDDEN', `${request.method} ${url} needs role ${rule!.need}; ${request.identity!.user} is ${request.identity!.role}`);
    }
  });
}

/**
 * Refuse state changes a foreign page's script or form sends from the operator's browser:
 * SameSite=Strict already keeps the cookie off them; this is the second lock.
 */
function checkSameSite(request: FastifyRequest, deny: (code: ErrorCode, message: string) => never): void {
  const site = request.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') deny('AUTH_FORBIDDEN', 'cross-site request refused');
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let host = '';
  try {
    host = new URL(origin).host;
  } catch {
    // "null" or garbage: not our origin
  }
  if (host !== request.headers.host) deny('AUTH_FORBIDDEN', `origin ${origin.slice(0, 100)} may not change this server`);
}
