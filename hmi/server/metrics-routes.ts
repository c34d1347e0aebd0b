// GET /metrics: the Prometheus text format (metrics.ts). It reveals the plant's state, so by
// default it needs what /api/health needs (a viewer session); a scraper, which cannot log in,
// presents the scrape token instead (`Authorization: Bearer <token>`, Prometheus'
// `authorization.credentials_file`), and an installation that wants it open says so
// (`metrics.public`). The auth hook asks scrapeAccess for routes marked `scrape` in access.ts.

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { TwinloopError } from '../../core/errors.ts';

/** Who may read /metrics besides a logged-in viewer. */
export interface MetricsOptions {
  /** Anyone, without a session (default false). */
  readonly public?: boolean;
  /** A scrape token (at least 32 characters), sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
}

export interface ScrapeAccess {
  /** Does this Authorization header (or the installation's setting) let a scraper in? */
  allows(authorization: string | undefined): boolean;
}

/** @throws TwinloopError CFG_INVALID for a token shorter than 32 characters (guessable). */
export function scrapeAccess(opts: MetricsOptions = {}): ScrapeAccess {
  if (opts.token !== undefined && opts.token.length < 32) throw new TwinloopError('CFG_INVALID', `the metrics scrape token has ${opts.token.length} characters; give at least 32 (e.g. openssl rand -hex 24)`);
  const token = opts.token === undefined ? undefined : Buffer.from(`Bearer ${opts.token}`);
  return {
    allows(authorization) {
      if (opts.public === true) return true;
      if (token === undefined || authorization === undefined) return false;
      const given = Buffer.from(authorization);
      // Constant time: how much of the token a guess got right must not show in the answer time.
      return given.length === token.length && timingSafeEqual(given, token);
    },
  };
}

export function metricsRoutes(app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    reply.header('cache-control', 'no-store').type(registry.contentType);
    return text;
  });
}
