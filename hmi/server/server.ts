// The HMI server: one fastify instance serving the REST API (health, signals, layout, line
// schema, run control), the live WebSocket fed by the frame publisher, and the built page. It depends on the
// engine only through RunControl; it never owns the run (the caller starts and closes it).

import { endianness } from 'node:os';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { RunControl } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import { buildCatalog } from './catalog.ts';
import { healthRoutes } from './health.ts';
import { installErrorHandlers } from './http-errors.ts';
import { layoutRoutes } from './layout.ts';
import { Publisher } from './publisher.ts';
import { runRoutes } from './run.ts';
import { schemaRoutes } from './schema.ts';
import { signalRoutes } from './signals.ts';
import { registerWeb } from './static.ts';
import { wsRoutes } from './ws-route.ts';

/** Options of {@link createServer}. Limits have safe defaults; tests shorten the timers. */
export interface HmiServerOptions {
  run: RunControl;
  /** Interface to listen on; default 127.0.0.1 (the HMI carries run control: not public by default). */
  host?: string;
  /** TCP port; default 8080, 0 picks a free one (tests). */
  port?: number;
  /** A pino logger to use as fastify's own, or true/false for fastify's default/none. Default false. */
  logger?: Logger | boolean;
  /** WebSocket frames per second, 1..30; default 30. */
  frameHz?: number;
  /** Seconds between keyframes; default 5. */
  keyframeSeconds?: number;
  /** Most WebSocket clients at once; default 200. */
  maxClients?: number;
  /** Largest client message in bytes (ws closes bigger ones with 1009); default 4096. */
  maxPayload?: number;
  /** Bytes a client may have queued before it skips frames; default 1 MiB. */
  maxBufferedBytes?: number;
  /** WebSocket heartbeat interval in ms; default 15000. */
  heartbeatMs?: number;
}

/** A listening HMI server. */
export interface HmiServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Stop the publisher, close clients and the listener. Does not close the run. */
  close(): Promise<void>;
}

const MAX_FRAME_HZ = 30;
// REST bodies are tiny ({ ticks }, { kind, factor }); anything bigger is a mistake or an attack.
const BODY_LIMIT = 4096;

/**
 * Create and start the HMI server for a run.
 *
 * @throws TwinloopError CFG_INVALID for out-of-range options, HMI_PLATFORM on a big-endian
 *   host, HMI_WEB_BUILD if the page must be built and cannot be
 * @example
 * const run = await startRun({ linePath: 'examples/sorting.yaml' });
 * const hmi = await createServer({ run, port: 8080 });
 * console.log(`HMI on ${hmi.url}`);
 */
export async function createServer(opts: HmiServerOptions): Promise<HmiServer> {
  const frameHz = opts.frameHz ?? MAX_FRAME_HZ;
  const keyframeSeconds = opts.keyframeSeconds ?? 5;
  checkRange('frameHz', frameHz, 1, MAX_FRAME_HZ);
  checkRange('keyframeSeconds', keyframeSeconds, 0.1, 3600);
  if (endianness() !== 'LE') throw new TwinloopError('HMI_PLATFORM', 'binary frames are little-endian typed arrays; this host is big-endian');

  const logger = opts.logger ?? false;
  const app: FastifyInstance = Fastify({
    ...(typeof logger === 'boolean' ? { logger } : { loggerInstance: logger }),
    bodyLimit: BODY_LIMIT,
    // Browsers keep connections alive; close must not wait for them.
    forceCloseConnections: true,
    // Strict bodies: a string "5" is not a tick count, and unknown fields are refused, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  }) as unknown as FastifyInstance;

  const { run } = opts;
  const catalog = buildCatalog(run.table);
  const publisher = new Publisher(run, {
    frameHz,
    keyframeSeconds,
    maxBufferedBytes: opts.maxBufferedBytes ?? 1 << 20,
    logger: app.log,
  });
  app.addHook('onClose', async () => publisher.stop());

  installErrorHandlers(app);
  // JSON only: text/plain is a "simple" content type a foreign page's form may post
  // cross-origin without a preflight; without its parser such requests get 415.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyWebsocket, { options: { maxPayload: opts.maxPayload ?? 4096 } });
  healthRoutes(app, run);
  signalRoutes(app, run, catalog);
  layoutRoutes(app, run);
  schemaRoutes(app);
  runRoutes(app, run, () => publisher.statusChanged());
  wsRoutes(app, {
    run,
    publisher,
    catalog,
    maxClients: opts.maxClients ?? 200,
    heartbeatMs: opts.heartbeatMs ?? 15_000,
    messagesPerSecond: 20,
    messageBurst: 40,
  });
  await registerWeb(app);

  const host = opts.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: opts.port ?? 8080 });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 8080);
  publisher.start();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `http://${urlHost}:${port}`, close: () => app.close() };
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new TwinloopError('CFG_INVALID', `hmi option ${name} must be a number in ${min}..${max}, got ${String(v)}`);
  }
}
