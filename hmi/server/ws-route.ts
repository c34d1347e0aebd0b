// GET /ws: the live WebSocket. On connect: the catalog frame, then a keyframe (from the
// publisher); afterwards frames come from the publisher, on change. This file owns the per-client
// concerns: the connection cap, the Origin check, client messages (validated, rate-limited,
// checked against the role matrix, answered with ErrorFrames), and the ping/pong heartbeat that
// drops dead clients and clients whose session ended (logout, expiry, user removed).
// Who may open the socket at all is decided before the upgrade, by the auth hook.

import { encode } from '@msgpack/msgpack';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { Auth } from '../../core/auth/auth.ts';
import { roleAtLeast } from '../../core/auth/roles.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { isTwinloopError, type ErrorCode } from '../../core/errors.ts';
import { messageRule } from './access.ts';
import { requestToken } from './auth-hook.ts';
import {
  CLOSE_POLICY,
  CLOSE_TRY_LATER,
  PROTOCOL_VERSION,
  type CatalogEntry,
  type CatalogFrame,
  type ErrorFrame,
  type PongFrame,
} from '../protocol.ts';
import { decodeClientMessage } from './client-message.ts';
import { wallNow } from './frame-encoder.ts';
import type { Publisher } from './publisher.ts';

export interface WsRouteOptions {
  run: RunControl;
  auth: Auth;
  cookieName: string;
  publisher: Publisher;
  catalog: readonly CatalogEntry[];
  /** Connections beyond this are refused with an ErrorFrame and close 1013. */
  maxClients: number;
  /** Interval of ws-level pings; a client that has not answered the previous one is dropped. */
  heartbeatMs: number;
  /** Client messages per second allowed on average, and the burst above it. */
  messagesPerSecond: number;
  messageBurst: number;
}

// A client that keeps sending over its allowance this many times is closed (1008).
const RATE_STRIKES_TO_CLOSE = 200;

interface ClientState {
  alive: boolean;
  /** The session token the socket was opened with; re-checked on every heartbeat. */
  token: string;
  tokens: number;
  refilledAt: number;
  strikes: number;
  rateErrorAt: number;
}

/** Register GET /ws (needs @fastify/websocket registered) and its heartbeat timer. */
export function wsRoutes(app: FastifyInstance, opts: WsRouteOptions): void {
  const { run, publisher } = opts;
  const clients = new Map<WebSocket, ClientState>();

  const heartbeat = setInterval(() => {
    for (const [socket, state] of clients) {
      if (!opts.auth.authenticate(state.token).ok) {
        socket.close(CLOSE_POLICY, 'session ended');
        continue;
      }
      if (!state.alive) {
        app.log.info('hmi ws client missed its heartbeat; dropping it');
        socket.terminate();
        continue;
      }
      state.alive = false;
      socket.ping();
    }
  }, opts.heartbeatMs);
  app.addHook('onClose', async () => clearInterval(heartbeat));

  const sendError = (socket: WebSocket, code: ErrorCode, message: string): void => {
    const frame: ErrorFrame = { t: 'error', code, message };
    socket.send(encode(frame));
  };

  app.get('/ws', { websocket: true, preValidation: checkOrigin }, (socket, request) => {
    // ws emits 'error' for protocol violations (oversize frame -> close 1009, bad opcode ...);
    // without a listener that would be an uncaught exception taking the server down.
    // A client's protocol violation is its fault, not ours: a warning with ws's code, no stack.
    socket.on('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') request.log.warn({ code, from: request.ip }, 'hmi ws client sent a frame over the size limit; closed (1009)');
      else request.log.info({ code, from: request.ip, message: err.message }, 'hmi ws client error');
    });
    if (clients.size >= opts.maxClients) {
      sendError(socket, 'WS_TOO_MANY_CLIENTS', `this server serves at most ${opts.maxClients} clients`);
      socket.close(CLOSE_TRY_LATER, 'too many clients');
      return;
    }
    const identity = request.identity;
    const token = requestToken(request, opts.cookieName);
    if (identity === null || token === undefined) {
      // The auth hook refuses these before the upgrade; this is the belt to its braces.
      socket.close(CLOSE_POLICY, 'log in first');
      return;
    }
    const state: ClientState = { alive: true, token, tokens: opts.messageBurst, refilledAt: wallNow(), strikes: 0, rateErrorAt: 0 };
    clients.set(socket, state);
    socket.on('pong', () => (state.alive = true));
    socket.on('close', () => {
      clients.delete(socket);
      publisher.remove(socket);
    });
    socket.on('message', (data, isBinary) => {
      if (!allow(state, opts)) {
        state.strikes++;
        if (state.strikes >= RATE_STRIKES_TO_CLOSE) socket.close(CLOSE_POLICY, 'message rate');
        else if (wallNow() - state.rateErrorAt > 1000) {
          state.rateErrorAt = wallNow();
          sendError(socket, 'WS_RATE_LIMIT', `at most ${opts.messagesPerSecond} messages per second`);
        }
        return;
      }
      if (!isBinary) {
        sendError(socket, 'WS_BAD_MESSAGE', 'text frames are not accepted; send msgpack in binary frames');
        return;
      }
      try {
        const msg = decodeClientMessage(asBytes(data), run.table.size);
        const rule = messageRule(msg.t);
        if (rule === undefined || !roleAtLeast(identity.role, rule.need)) {
          sendError(socket, 'AUTH_FORBIDDEN', `message ${msg.t} needs role ${rule?.need ?? '(not in the role matrix)'}; ${identity.user} is ${identity.role}`);
        } else if (msg.t === 'ping') {
          const pong: PongFrame = { t: 'pong', id: msg.id, time: wallNow() };
          socket.send(encode(pong));
        } else if (msg.ids !== 'all') {
          // Every client gets every signal from one shared frame; per-client id sets would
          // need one encode per distinct subscription (not built yet).
          sendError(socket, 'WS_UNSUPPORTED', "only subscribe { ids: 'all' } is served; every client receives all signals");
        }
      } catch (err) {
        if (isTwinloopError(err)) sendError(socket, err.code, err.message);
        else {
          request.log.error({ err }, 'hmi ws message handling failed');
          sendError(socket, 'HMI_INTERNAL', 'internal error (see server log)');
        }
      }
    });
    const catalog: CatalogFrame = {
      t: 'catalog',
      v: PROTOCOL_VERSION,
      line: run.lineName,
      signals: opts.catalog as CatalogEntry[],
      layout: [...run.layout],
      status: run.status(),
    };
    socket.send(encode(catalog));
    publisher.add(socket);
  });
}

/** Token bucket: refill by elapsed time, spend one token per message. */
function allow(state: ClientState, opts: WsRouteOptions): boolean {
  const now = wallNow();
  state.tokens = Math.min(opts.messageBurst, state.tokens + ((now - state.refilledAt) / 1000) * opts.messagesPerSecond);
  state.refilledAt = now;
  if (state.tokens < 1) return false;
  state.tokens -= 1;
  return true;
}

function asBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Refuse cross-site WebSocket hijacking: a page from another origin may open a socket to
 * 127.0.0.1 from the operator's browser. Tools that send no Origin (ws, curl) are allowed.
 * Scheme and host must both match: http://host is not the same origin as https://host (a
 * plain-HTTP page on the same name must not open the socket of the TLS server, nor the reverse).
 * The scheme is the server's, or the proxy's X-Forwarded-Proto with `trustProxy`.
 */
async function checkOrigin(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  let same = false;
  try {
    const url = new URL(origin);
    same = url.protocol === `${request.protocol}:` && url.host === request.headers.host;
  } catch {
    // "null" or garbage: not our origin
  }
  if (!same) {
    await reply.code(403).send({ error: 'HMI_BAD_REQUEST', message: `origin ${origin.slice(0, 100)} may not open this WebSocket` });
  }
}
