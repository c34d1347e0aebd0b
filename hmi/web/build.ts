// Builds the HMI page into hmi/web/dist (index.html, app.js, app.css) with esbuild: one small
// minified bundle, uPlot's CSS folded into app.css. Run alone with
// `node --import tsx hmi/web/build.ts`; the server calls buildWeb() when dist is missing.

import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { TwinloopError } from '../../core/errors.ts';

const WEB_DIR = dirname(fileURLToPath(import.meta.url));
/** Where the built page goes (gitignored). */
export const WEB_DIST_DIR = join(WEB_DIR, 'dist');

/**
 * Bundle the page into {@link WEB_DIST_DIR}.
 *
 * @throws TwinloopError HMI_WEB_BUILD with esbuild's error as cause
 * @example
 * await buildWeb(); // hmi/web/dist/{index.html,app.js,app.css}
 */
export async function buildWeb(): Promise<void> {
  try {
    await mkdir(WEB_DIST_DIR, { recursive: true });
    await build({
      entryPoints: { app: join(WEB_DIR, 'src', 'main.ts') },
      outdir: WEB_DIST_DIR,
      bundle: true,
      format: 'esm',
      target: ['chrome110', 'firefox110', 'safari16'],
      minify: true,
      sourcemap: false,
      legalComments: 'none',
      logLevel: 'silent',
    });
    await copyFile(join(WEB_DIR, 'index.html'), join(WEB_DIST_DIR, 'index.html'));
  } catch (err) {
    throw new TwinloopError('HMI_WEB_BUILD', `hmi page build failed: ${(err as Error).message}`, { cause: err });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t0 = performance.now();
  await buildWeb();
  console.log(`hmi/web/dist built in ${Math.round(performance.now() - t0)} ms`);
}
