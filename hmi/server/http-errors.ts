// How the HMI REST API reports failure: always JSON `{ error: code, message }` with a stable code
// from core/errors.ts. Schema and parser failures (fastify's own) become 4xx HMI_BAD_REQUEST with
// fastify's reason; engine refusals (a TwinloopError) keep their code.

import type { FastifyError, FastifyInstance } from 'fastify';
import { isTwinloopError, type ErrorCode } from '../../core/errors.ts';

/** Body of every non-2xx answer of the HMI API. */
export interface ApiError {
  error: ErrorCode;
  message: string;
}

// Engine codes that say the request itself was wrong (400), that it does not fit the run's
// current state (409), or that the run cannot serve it now (503) — not "we broke" (500).
const BAD_REQUEST_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RUN_BAD_REQUEST', 'HMI_BAD_REQUEST']);
const CONFLICT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['RING_FULL']);
const UNAVAILABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['WORKER_FAILED']);

/** Install the error and not-found handlers on the root instance (inherited by every route). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isTwinloopError(err)) {
      const status = BAD_REQUEST_CODES.has(err.code) ? 400 : CONFLICT_CODES.has(err.code) ? 409 : UNAVAILABLE_CODES.has(err.code) ? 503 : 500;
      if (status >= 500) request.log.error({ err }, 'hmi request failed');
      const body: ApiError = { error: err.code, message: err.message };
      return reply.code(status).send(body);
    }
    // fastify sets statusCode on its own client errors (schema, JSON parse, body too large,
    // unsupported media type); validation errors carry `validation`.
    const status = err.validation !== undefined ? 400 : (err.statusCode ?? 500);
    if (status < 500) {
      const body: ApiError = { error: 'HMI_BAD_REQUEST', message: err.message };
      return reply.code(status).send(body);
    }
    request.log.error({ err }, 'hmi request failed');
    const body: ApiError = { error: 'HMI_INTERNAL', message: 'internal error (see server log)' };
    return reply.code(500).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ApiError = { error: 'HMI_NOT_FOUND', message: `no route or file for ${request.method} ${request.url.slice(0, 200)}` };
    return reply.code(404).send(body);
  });
}
