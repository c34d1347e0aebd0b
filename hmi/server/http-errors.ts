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

// Status by the code's meaning: the request was wrong (400), who asks (401/403), the run's or
// the data's state (404/409), a missing confirmation (428), too many tries (429), not
// implemented by this run (501), cannot be served now (503) — anything else is "we broke" (500).
const STATUS_BY_CODE: ReadonlyMap<ErrorCode, number> = new Map<ErrorCode, number>([
  ['RUN_BAD_REQUEST', 400],
  ['HMI_BAD_REQUEST', 400],
  ['USER_INVALID', 400],
  ['SIG_TYPE', 400],
  // A program variable path or value typed by a person (online view): the request was wrong.
  ['PLC_TAG_UNKNOWN', 400],
  ['PLC_TAG_TYPE', 400],
  ['AUTH_REQUIRED', 401],
  ['AUTH_BAD_CREDENTIALS', 401],
  ['AUTH_FORBIDDEN', 403],
  ['AUTH_SETUP', 403],
  ['SIG_UNKNOWN', 404],
  ['USER_UNKNOWN', 404],
  ['HMI_NOT_FOUND', 404],
  ['RING_FULL', 409],
  ['USER_EXISTS', 409],
  ['RUN_MODE_READONLY', 409],
  ['HMI_CONFIRM_REQUIRED', 428],
  ['AUTH_RATE_LIMIT', 429],
  ['AUTH_BUSY', 429],
  ['HMI_UNSUPPORTED', 501],
  ['WORKER_FAILED', 503],
  ['AUDIT_UNAVAILABLE', 503],
  ['ALARM_INVALID', 400],
  ['REC_QUERY', 400],
  ['REC_NOT_FOUND', 404],
  ['ALARM_UNKNOWN', 404],
  ['ALARM_STATE', 409],
  ['ALARM_JOURNAL', 503],
  // A sign-off's report or model file (issue 20): the request named something unusable.
  ['MODEL_REPORT', 400],
  ['MODEL_FILE', 404],
]);

/** HTTP status for a TwinloopError code (also used by the auth hook). */
export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE.get(code) ?? 500;
}

/** Install the error and not-found handlers on the root instance (inherited by every route). */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (isTwinloopError(err)) {
      const status = statusOf(err.code);
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
