// Starts a worker thread from a module URL, whether the sources run as TypeScript (tsx, tests,
// `npm start`) or compiled JavaScript (dist/). TypeScript entries go through worker-boot.mjs.

import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);

/** `entry` is the worker module; its workerData is `options.workerData` plus `__entry`. */
export function spawnWorker(entry: URL, options: WorkerOptions & { workerData?: object } = {}): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, options);
  return new Worker(BOOT, { ...options, workerData: { ...(options.workerData ?? {}), __entry: entry.href } });
}
