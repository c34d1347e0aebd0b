// The plant overview's web server: a Sparkplug primary host (core/integration/plant-host/)
// and one page that shows every line on the broker. Read-only; it listens on 127.0.0.1 by
// default and has no login, so it must not be exposed beyond the plant network (each line's own
// HMI, linked from the page, keeps its users and roles). The page's script is bundled with
// esbuild in memory when the server starts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TwinloopError } from '../../core/errors.ts';
import { PlantHost } from '../../core/integration/plant-host/plant-host.ts';
import { installSecurityHeaders } from '../server/security-headers.ts';
import type { PlantView } from './plant-api.ts';

const DIR = fileURLToPath(new URL('.', import.meta.url));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>twinloop plant overview</title>
  <link rel="stylesheet" href="plant.css">
  <script type="module" src="plant.js"></script>
</head>
<body data-link="connecting">
  <div class="banner"><h1>Plant overview</h1><span id="count"></span><span id="broker"></span></div>
  <main id="lines"></main>
</body>
</html>
`;

export interface PlantServerOptions {
  readonly brokerUrl: string;
  readonly hostId: string;
  readonly groups?: readonly string[];
  readonly host: string;
  readonly port: number;
  readonly logger: Logger;
}

export interface PlantServer {
  readonly url: string;
  readonly host: PlantHost;
  readonly app: FastifyInstance;
  view(): PlantView;
  close(): Promise<void>;
}

async function bundle(): Promise<string> {
  try {
    const out = await build({ entryPoints: [join(DIR, 'plant-page.ts')], bundle: true, format: 'esm', target: ['chrome110', 'firefox110', 'safari16'], minify: true, write: false, logLevel: 'silent' });
    return out.outputFiles[0]!.text;
  } catch (err) {
    throw new TwinloopError('HMI_WEB_BUILD', `plant overview page build failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Start the primary host and the page. */
export async function startPlantServer(opts: PlantServerOptions): Promise<PlantServer> {
  const script = await bundle();
  const css = readFileSync(join(DIR, 'plant.css'), 'utf8');
  const host = new PlantHost({ url: opts.brokerUrl, hostId: opts.hostId, logger: opts.logger, ...(opts.groups ? { groups: opts.groups } : {}) });
  const view = (): PlantView => ({
    broker: { url: opts.brokerUrl, connected: host.connected },
    hostId: opts.hostId,
    lines: host.lines().map((l) => ({ group: l.group, node: l.node, online: l.online, line: l.line, devices: l.devices, metrics: l.metrics, lastSeen: l.lastSeen > 0 ? new Date(l.lastSeen).toISOString() : '' })),
  });
  const app = Fastify({ logger: false });
  installSecurityHeaders(app, false);
  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/plant.js', async (_req, reply) => reply.type('text/javascript; charset=utf-8').send(script));
  app.get('/plant.css', async (_req, reply) => reply.type('text/css; charset=utf-8').send(css));
  app.get('/api/plant', async () => view());
  let address: string;
  try {
    address = await app.listen({ host: opts.host, port: opts.port });
  } catch (err) {
    await host.close();
    throw err;
  }
  return {
    url: address.replace('0.0.0.0', '127.0.0.1'),
    host,
    app,
    view,
    close: async () => {
      await app.close();
      await host.close();
    },
  };
}
