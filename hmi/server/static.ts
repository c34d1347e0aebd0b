// The built page (hmi/web/dist) as static files at /. If dist is missing — a fresh checkout,
// since dist is gitignored — the page is built on the spot with esbuild (well under a second).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { buildWeb, WEB_DIST_DIR } from '../web/build.ts';

/** Register the page's static files, building them first if needed. */
export async function registerWeb(app: FastifyInstance): Promise<void> {
  if (!existsSync(join(WEB_DIST_DIR, 'index.html'))) {
    app.log.info('hmi/web/dist missing; building the page');
    await buildWeb();
  }
  await app.register(fastifyStatic, { root: WEB_DIST_DIR, prefix: '/', index: 'index.html' });
}
