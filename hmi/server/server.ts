// The HMI server: one fastify instance serving the REST API (health, signals, layout, line
// schema, run control, forces, faults, the ST program's online view, login, users, audit), the live WebSocket fed by the frame
// publisher, and the built page. Every route is in the role matrix (access.ts) and checked by
// the auth hook; privileged actions are audited before they act. It depends on the engine only
// through RunControl; it never owns the run (the caller starts and closes it).

import { readFileSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { join } from 'node:path';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AuditLog } from '../../core/audit/audit-log.ts';
import { AlarmManager } from '../../core/alarms/alarm-manager.ts';
import { Auth, type AuthOptions } from '../../core/auth/auth.ts';
import { installationSecret, tightenDataFiles } from '../../core/auth/data-dir.ts';
import type { RunControl } from '../../core/engine/run-control.ts';
import { TwinloopError } from '../../core/errors.ts';
import { routeRule } from './access.ts';
import { alarmRoutes } from './alarm-routes.ts';
import { modelRoutes } from './model-routes.ts';
import type { ModelGate } from '../../core/model/model-gate.ts';
import { auditRoutes } from './audit-routes.ts';
import { RecordingLibrary } from '../../core/recording/library.ts';
import { recordingRoutes } from './recording-routes.ts';
import { scenarioRoutes } from './scenario-routes.ts';
import { ScenarioRuns } from '../../core/scenario/scenario-runs.ts';
import { installAuthHook } from './auth-hook.ts';
import { authRoutes } from './auth-routes.ts';
import { buildCatalog } from './catalog.ts';
import { installContentTypeCheck } from './content-type.ts';
import type { ServerContext } from './context.ts';
import { DenialBudget } from './denial-budget.ts';
import { RefusalDigest } from './refusal-digest.ts';
import { faultRoutes } from './fault-routes.ts';
import { kpiRoutes } from './kpi-routes.ts';
import { LiveKpi } from '../../core/kpi/live-kpi.ts';
import { forceRoutes } from './force-routes.ts';
import { sweepRoutes } from './sweep-routes.ts';
import { SweepRuns } from '../../core/scenario/sweep-runs.ts';
import { healthRoutes } from './health.ts';
import { createMetrics } from './metrics.ts';
import { metricsRoutes, scrapeAccess, type MetricsOptions } from './metrics-routes.ts';
import { programRoutes } from './program-routes.ts';
import { installErrorHandlers } from './http-errors.ts';
import { layoutRoutes } from './layout.ts';
import { Publisher } from './publisher.ts';
import { runRoutes } from './run.ts';
import { schemaRoutes } from './schema.ts';
import { installSecurityHeaders } from './security-headers.ts';
import { signalRoutes } from './signals.ts';
import { registerWeb } from './static.ts';
import { userRoutes } from './user-routes.ts';
import { wsRoutes } from './ws-route.ts';

/** Options of {@link createServer}. Limits have safe defaults; tests shorten the timers. */
export interface HmiServerOptions {
  run: RunControl;
  /**
   * The installation's data folder (users.json, secret.key, audit.jsonl), created 0700 if
   * missing. The CLI passes `--data` (default ./data); tests pass a temp folder.
   */
  dataDir: string;
  /** Session lifetime, login limits, clock. */
  auth?: AuthOptions;
  /** Serve HTTPS/WSS with these PEM files (read once at start). */
  tls?: { certFile: string; keyFile: string };
  /** Interface to listen on; default 127.0.0.1 (the HMI carries run control: not public by default). */
  host?: string;
  /** TCP port; default 8080, 0 picks a free one (tests). */
  port?: number;
  /** A pino logger to use as fastify's own, or true/false for fastify's default/none. Default false. */
  logger?: Logger | boolean;
  /**
   * The rate cap: at most this many values frames a second to each client, 1..240; default 60.
   * Frames leave on change (issue 24); the model's own changes are looked for at half this rate.
   */
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
  /** Audit records of refused requests per second and burst (each is an fsync); default 50 / 200. */
  denialBudget?: { perSecond: number; burst: number };
  /**
   * Window over which anonymous refusals from one address on one route are recorded as one
   * (first refusal, then a count); default 60000 ms.
   */
  refusalWindowMs?: number;
  /**
   * Behind a reverse proxy: which proxy's X-Forwarded-For / -Proto to believe (fastify's
   * `trustProxy`: true, or the proxy's addresses / CIDR ranges). Default false: the address
   * is the TCP peer, and forwarded headers are ignored. Login backoff, the audit log's `from`
   * and the WebSocket Origin scheme all use the address and scheme this yields.
   */
  trustProxy?: boolean | string | string[];
  /**
   * Where recordings are read from for the replay API (`/api/recordings`). Default
   * `<dataDir>/recordings`, where `twinloop start` records the live run.
   */
  recordings?: { dir: string };
  /**
   * The alarm manager the detectors report to (its owner closes it and calls its poll()).
   * Absent: an empty in-memory one, closed with the server, so the alarm routes always exist.
   */
  alarms?: AlarmManager;
  /** Folder of the scenario files the HMI offers to run (default examples/scenarios). */
  scenarios?: { dir: string };
  /** A shadow run's model gate (issue 20): /api/model and the HMI sign-off. */
  model?: ModelGate;
  /** Who may read GET /metrics besides a viewer: a scrape token, or anyone (default: viewers only). */
  metrics?: MetricsOptions;
}

/** A listening HMI server. */
export interface HmiServer {
  app: FastifyInstance;
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** Users and sessions of the installation (the CLI and tests add users through it). */
  auth: Auth;
  audit: AuditLog;
  /**
   * With no users yet: the one-time token that creates the first admin (print it, or open
   * `${url}/#setup=${token}`). Undefined when users exist.
   */
  setupToken: string | undefined;
  /** The live run's production KPIs (GET /api/kpi), for other publishers (Sparkplug). */
  kpi: LiveKpi;
  /** Stop the publisher, close clients and the listener. Does not close the run. */
  close(): Promise<void>;
}

/**
 * Request lines at debug, not info: the page polls several routes a second, and a line per
 * request would bury the ones that matter (start, stop, connections, alarms). Failed requests
 * stay at error.
 */
class QuietRequests extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, _request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

const DEFAULT_FRAME_HZ = 60;
const MAX_FRAME_HZ = 240;
// REST bodies are tiny ({ ticks }, { kind, factor }); anything bigger is a mistake or an attack.
const BODY_LIMIT = 4096;

/**
 * Create and start the HMI server for a run.
 *
 * @throws TwinloopError CFG_INVALID for out-of-range options, HMI_PLATFORM on a big-endian
 *   host, HMI_WEB_BUILD if the page must be built and cannot be
 * @example
 * const run = await startRun({ linePath: 'examples/sorting.yaml' });
 * const hmi = await createServer({ run, port: 8080, dataDir: './data' });
 * console.log(`HMI on ${hmi.url}`);
 */
export async function createServer(opts: HmiServerOptions): Promise<HmiServer> {
  const frameHz = opts.frameHz ?? DEFAULT_FRAME_HZ;
  const keyframeSeconds = opts.keyframeSeconds ?? 5;
  checkRange('frameHz', frameHz, 1, MAX_FRAME_HZ);
  checkRange('keyframeSeconds', keyframeSeconds, 0.1, 3600);
  if (endianness() !== 'LE') throw new TwinloopError('HMI_PLATFORM', 'binary frames are little-endian typed arrays; this host is big-endian');

  const logger = opts.logger ?? false;
  const tls = opts.tls !== undefined;
  const https = opts.tls !== undefined ? { https: { cert: readFileSync(opts.tls.certFile), key: readFileSync(opts.tls.keyFile) } } : {};
  const app: FastifyInstance = Fastify({
    ...(typeof logger === 'boolean' ? { logger } : { loggerInstance: logger }),
    ...https,
    trustProxy: opts.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
    logController: new QuietRequests(),
    // Browsers keep connections alive; close must not wait for them.
    forceCloseConnections: true,
    // Strict bodies: a string "5" is not a tick count, and unknown fields are refused, not dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false } },
  }) as unknown as FastifyInstance;

  if (opts.tls !== undefined) warnIfKeyReadable(app, opts.tls.keyFile);

  const { run } = opts;
  const auth = new Auth(opts.dataDir, opts.auth);
  tightenDataFiles(opts.dataDir);
  const audit = new AuditLog(join(opts.dataDir, 'audit.jsonl'), { secret: installationSecret(opts.dataDir) });
  if (!audit.healthy) app.log.error({ err: audit.lastError }, 'audit log cannot be written: privileged actions are refused');
  if (audit.broken !== undefined) app.log.error({ reason: audit.broken }, 'audit log does not match its signed head; run `twinloop audit verify`');
  const alarms = opts.alarms ?? new AlarmManager({ clock: Date.now });
  if (opts.alarms === undefined) app.addHook('onClose', async () => alarms.close());
  const catalog = buildCatalog(run.table);
  const publisher = new Publisher(run, {
    frameHz,
    keyframeSeconds,
    maxBufferedBytes: opts.maxBufferedBytes ?? 1 << 20,
    logger: app.log,
  });
  const refusals = new RefusalDigest(opts.refusalWindowMs ?? 60_000, (key, more, { action, code }) => {
    try {
      audit.append({ action, user: null, role: null, from: key.source, result: 'denied', code, target: key.route, detail: `${more} more refusals like the one before from this source on ${key.route}, not recorded one by one` });
    } catch (err) {
      app.log.error({ err }, 'audit of a refusal digest failed');
    }
  });
  app.addHook('onClose', async () => {
    publisher.stop();
    refusals.close();
    audit.close();
  });
  const ctx: ServerContext = {
    run,
    catalog,
    auth,
    audit,
    cookieName: tls ? '__Host-twinloop_session' : 'twinloop_session',
    tls,
    denials: new DenialBudget(opts.denialBudget?.perSecond ?? 50, opts.denialBudget?.burst ?? 200),
    refusals,
    statusChanged: () => publisher.statusChanged(),
    scrape: scrapeAccess(opts.metrics),
  };

  // Fail closed at start: a route that is not in the role matrix is a programming error.
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      if (routeRule(method, route.url) === undefined) throw new TwinloopError('HMI_INTERNAL', `route ${method} ${route.url} is not in the role matrix (hmi/server/access.ts)`);
    }
  });
  installErrorHandlers(app);
  installSecurityHeaders(app, tls);
  installContentTypeCheck(app);
  installAuthHook(app, ctx);
  // JSON only: text/plain is a "simple" content type a foreign page's form may post
  // cross-origin without a preflight; without its parser such requests get 415.
  app.removeContentTypeParser('text/plain');
  await app.register(fastifyWebsocket, { options: { maxPayload: opts.maxPayload ?? 4096 } });
  healthRoutes(app, run);
  const recordingsDir = opts.recordings?.dir ?? join(opts.dataDir, 'recordings');
  // Production KPIs of the live run (docs/kpi.md): sampled from the table (50 Hz), like the publisher.
  const kpi = new LiveKpi(run.table, run.layout);
  app.addHook('onClose', async () => kpi.stop());
  metricsRoutes(app, createMetrics({ run, alarms, clients: () => publisher.clientCount, audit, recordingsDir, dataDir: opts.dataDir, kpi }));
  authRoutes(app, ctx);
  signalRoutes(app, run, catalog);
  forceRoutes(app, ctx);
  faultRoutes(app, ctx);
  kpiRoutes(app, kpi);
  programRoutes(app, ctx);
  layoutRoutes(app, run);
  schemaRoutes(app);
  runRoutes(app, ctx);
  userRoutes(app, ctx);
  auditRoutes(app, ctx);
  recordingRoutes(app, new RecordingLibrary(recordingsDir));
  alarmRoutes(app, ctx, alarms);
  modelRoutes(app, ctx, opts.model, opts.dataDir);
  const scenarioRuns = new ScenarioRuns(opts.scenarios?.dir);
  scenarioRoutes(app, ctx, scenarioRuns);
  sweepRoutes(app, ctx, new SweepRuns(scenarioRuns.dir));
  wsRoutes(app, {
    run,
    auth,
    cookieName: ctx.cookieName,
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
  kpi.start();
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { app, url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`, auth, audit, setupToken: auth.newSetupToken(), kpi, close: () => app.close() };
}

/** A TLS private key that others can read is a key others may have copied: say so at start. */
function warnIfKeyReadable(app: FastifyInstance, keyFile: string): void {
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    app.log.warn({ keyFile, mode: `0${mode.toString(8)}` }, `TLS private key ${keyFile} is readable by group or others; chmod 600 it`);
  }
}

function checkRange(name: string, v: number, min: number, max: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new TwinloopError('CFG_INVALID', `hmi option ${name} must be a number in ${min}..${max}, got ${String(v)}`);
  }
}
