// `twinloop worker --queue URL`: takes sweep points, scenarios and plan runs off the BullMQ queue
// and runs each in this machine's piscina pool, the same task function a local sweep, suite or
// plan runs (queue-pool-worker.ts), so its result is the local run's. One job per pool thread
// at a time; the job's lock is renewed from this (idle) main thread while the pool computes, so
// a long point never looks stalled, and a worker killed mid-job stops renewing: after `lockMs`
// another worker's stall check puts the job back and it runs elsewhere.

import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { TwinloopError } from '../errors.ts';
import { TaskPool } from '../scenario/task-pool.ts';
import { ContentCache } from './content-store.ts';
import { QUEUE_NAME, queueLabel, type QueueConnection } from './queue-address.ts';
import { HOME, localTask, type QueueJobData } from './queue-job.ts';
import type { JobResult, JobTask } from './queue-pool-worker.ts';
import { encodeResult, remapResult, type PathMap } from './result-codec.ts';
import { runtimeLabel, runtimeVersion, sameRuntime, type RuntimeVersion } from './runtime-version.ts';

export interface QueueWorkerOptions {
  readonly connection: QueueConnection;
  /** Pool threads = jobs run at once. */
  readonly threads: number;
  /** Where job trees are laid out (default: <tmp>/twinloop-queue-cache). */
  readonly cacheDir?: string;
  /** Job lock, ms: a dead worker's job is retried elsewhere after about this long (default 30 s). */
  readonly lockMs?: number;
  /** A line per job started, done, refused or failed (default: none). */
  readonly log?: (line: string) => void;
  /** Lost and regained connections to Redis (default: `log`). */
  readonly notice?: (line: string) => void;
  /** The runtime this worker claims (default: its own; tests use another to check refusals). */
  readonly version?: RuntimeVersion;
}

export const DEFAULT_LOCK_MS = 30_000;

const POOL_WORKER = new URL('./queue-pool-worker.ts', import.meta.url);

export class QueueWorker {
  readonly id = `${hostname()}:${process.pid}`;
  readonly #pool: TaskPool<JobTask, JobResult>;
  readonly #redis: Redis;
  readonly #cache: ContentCache;
  readonly #worker: Worker<QueueJobData, string>;
  readonly #version: RuntimeVersion;
  readonly #log: (line: string) => void;
  readonly #notice: (line: string) => void;
  #lastError = '';

  constructor(o: QueueWorkerOptions) {
    this.#log = o.log ?? (() => undefined);
    this.#notice = o.notice ?? this.#log;
    this.#version = o.version ?? runtimeVersion();
    this.#pool = new TaskPool<JobTask, JobResult>(POOL_WORKER, o.threads);
    this.#redis = new Redis({ ...o.connection, lazyConnect: false });
    this.#redis.on('error', () => undefined); // reconnects by itself; the worker's handler reports
    this.#cache = new ContentCache(this.#redis, o.cacheDir ?? join(tmpdir(), 'twinloop-queue-cache'));
    const lockMs = o.lockMs ?? DEFAULT_LOCK_MS;
    this.#worker = new Worker<QueueJobData, string>(QUEUE_NAME, (job) => this.#run(job), {
      connection: { ...o.connection },
      concurrency: this.#pool.threads,
      lockDuration: lockMs,
      stalledInterval: lockMs,
      // A job may be orphaned twice (two workers killed under it) before it counts as failed.
      maxStalledCount: 2,
    });
    this.#worker.on('error', (err) => {
      // Redis going away repeats the same error each retry: say it once.
      if (err.message !== this.#lastError) this.#notice(`worker ${this.id}: ${err.message} (reconnecting to ${queueLabel(o.connection)})`);
      this.#lastError = err.message;
    });
    this.#worker.on('ready', () => {
      if (this.#lastError !== '') this.#notice(`worker ${this.id}: connected again`);
      this.#lastError = '';
    });
  }

  /** Resolves when connected and taking jobs. */
  async ready(): Promise<void> {
    await this.#worker.waitUntilReady();
  }

  async #run(job: Job<QueueJobData, string>): Promise<string> {
    const d = job.data;
    if (!sameRuntime(d.version, this.#version)) {
      const msg = `refused by worker ${this.id}: it runs ${runtimeLabel(this.#version)}, the job was made by ${runtimeLabel(d.version)} and would not give identical results`;
      this.#log(`  refused ${d.name}: ${msg}`);
      throw new TwinloopError('QUEUE_VERSION', msg);
    }
    const t0 = performance.now();
    this.#log(`  start ${d.name} (job ${job.id}, attempt ${job.attemptsMade + 1})`);
    try {
      const localRoot = await this.#cache.tree(d.files);
      const task = localTask(d, localRoot);
      const result = await this.#pool.run(task);
      // Paths in the result name this worker's copy: give them back as the submitter wrote them.
      const map: PathMap = [
        ...(task.kind === 'scenario' && d.task.kind === 'scenario' ? [[task.task.file, d.task.task.file] as const] : []),
        [localRoot, d.root],
        [HOME, d.home],
      ];
      const encoded = encodeResult(remapResult(result, map));
      const status = 'status' in result ? result.status : result.ok ? 'ok' : `error ${result.code}`;
      this.#log(`  done ${d.name} ${status} in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return encoded;
    } catch (err) {
      this.#log(`  failed ${d.name}: ${(err as Error).message}`);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.#worker.close();
    await this.#pool.close();
    this.#redis.disconnect();
  }
}
