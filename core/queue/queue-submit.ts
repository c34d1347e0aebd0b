// The submitting side of `twinloop sweep|test|plan --queue URL`: uploads the files the tasks read
// (once per content), adds one BullMQ job per task, then polls the jobs' states until every
// one has completed or failed on all its attempts, handing each result over exactly once, in
// whatever order they finish; the caller puts them in task order and writes the usual reports.
//
// Polling, not the events stream: a poll after a Redis restart sees the jobs' true states,
// where events sent while the submitter was reconnecting would be lost. A job Redis no longer
// knows (restarted without persistence) is uploaded and added again.

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { PoolTask } from '../scenario/pool-worker.ts';
import type { ScenarioResult } from '../scenario/runner.ts';
import { uploadBlobs } from './content-store.ts';
import { QUEUE_NAME, queueLabel, type QueueConnection } from './queue-address.ts';
import { failedResult, jobFiles, makeJob, type QueueJobData } from './queue-job.ts';
import { QueueProgress } from './queue-progress.ts';
import type { JobResult, JobTask } from './queue-pool-worker.ts';
import { decodeResult } from './result-codec.ts';
import { runtimeVersion, type RuntimeVersion } from './runtime-version.ts';

/** Attempts per job: a job failing this many times is reported with its last error. */
export const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;

/** A task and its name for progress lines (a sweep point or scenario unless told otherwise). */
export interface QueueTask<T extends JobTask = PoolTask> {
  readonly name: string;
  readonly task: T;
}

export interface SubmitOptions {
  readonly connection: QueueConnection;
  /** Progress and notes (stderr); none when undefined. */
  readonly progress?: NodeJS.WritableStream & { isTTY?: boolean };
  /** The runtime the jobs claim (default: this process's; tests claim another). */
  readonly version?: RuntimeVersion;
  /** ms between polls (default 250, 2 per open job beyond 125). */
  readonly pollMs?: number;
  /** Change a job before it is added (tests: a job whose content is missing). */
  readonly alter?: (job: QueueJobData, index: number) => QueueJobData;
}

/**
 * Run `tasks` on the queue's workers; `onResult(k, result)` once per task.
 * Waits for as long as the jobs take (workers may come later); Redis outages are waited out.
 */
export function runOnQueue(tasks: readonly QueueTask[], o: SubmitOptions, onResult: (k: number, result: ScenarioResult) => void): Promise<void> {
  return submitJobs(tasks, o, (k, r) => onResult(k, r as ScenarioResult), (k, message) => onResult(k, failedResult(tasks[k]!.task, message)));
}

/**
 * runOnQueue for any job kind: `onResult(k, result)` with what the job's task gave back, or
 * `onFailed(k, message)` when the job failed on every attempt; one of the two once per task.
 */
export async function submitJobs(
  tasks: readonly QueueTask<JobTask>[],
  o: SubmitOptions,
  onResult: (k: number, result: JobResult) => void,
  onFailed: (k: number, message: string) => void,
): Promise<void> {
  const version = o.version ?? runtimeVersion();
  const store = jobFiles();
  const blobs = store.blobs;
  const jobs = tasks.map((t, k) => {
    const j = makeJob(t.task, t.name, version, store);
    return o.alter ? o.alter(j, k) : j;
  });
  const progress = new QueueProgress(o.progress);
  const redis = new Redis({ ...o.connection });
  const queue = new Queue<QueueJobData, string>(QUEUE_NAME, { connection: { ...o.connection } });
  let down = false;
  const onError = (err: Error): void => {
    if (!down) progress.note(`queue: ${queueLabel(o.connection)}: ${err.message}; waiting for Redis`);
    down = true;
  };
  redis.on('error', onError);
  queue.on('error', onError);
  redis.on('ready', () => {
    if (down) progress.note('queue: connected again');
    down = false;
  });
  const run = randomBytes(6).toString('hex');
  const ids = jobs.map((_, k) => `tl-${run}-${k}`);
  const add = async (ks: readonly number[]): Promise<void> => {
    await uploadBlobs(redis, blobs);
    await queue.addBulk(ks.map((k) => ({
      name: jobs[k]!.task.kind,
      data: jobs[k]!,
      opts: { jobId: ids[k]!, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: RETRY_DELAY_MS }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 7 * 24 * 3600 } },
    })));
  };
  try {
    await add(jobs.map((_, k) => k));
    const open = new Set(jobs.map((_, k) => k));
    const attempts = new Int32Array(jobs.length);
    let done = 0;
    let failed = 0;
    // A state read per open job per poll: slower polls for big sweeps (200 open jobs: 400 ms).
    const pollMs = (): number => o.pollMs ?? Math.max(250, 2 * open.size);
    // Bounded by the jobs: each poll either finishes some or waits; a job can fail only ATTEMPTS times.
    while (open.size > 0) {
      const ks = [...open];
      const states = await Promise.all(ks.map((k) => queue.getJobState(ids[k]!)));
      let running = 0;
      const lost: number[] = [];
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i]!;
        const state = states[i]!;
        if (state === 'active') running++;
        else if (state === 'completed' || state === 'failed' || state === 'delayed') {
          const job = await Job.fromId<QueueJobData, string>(queue, ids[k]!);
          if (!job) continue; // removed meanwhile: the next poll says 'unknown'
          if (state === 'completed') {
            open.delete(k);
            done++;
            onResult(k, decodeResult<JobResult>(job.returnvalue));
            await job.remove().catch(() => undefined);
          } else if (state === 'failed') {
            open.delete(k);
            failed++;
            const msg = `failed on all ${job.attemptsMade} attempts: ${job.failedReason}`;
            progress.note(`  ${jobs[k]!.name}: ${msg}`);
            onFailed(k, msg);
          } else if (job.attemptsMade > attempts[k]!) {
            attempts[k] = job.attemptsMade;
            progress.note(`  ${jobs[k]!.name}: attempt ${job.attemptsMade} of ${ATTEMPTS} failed, retrying: ${job.failedReason}`);
          }
        } else if (state === 'unknown') lost.push(k);
      }
      if (lost.length > 0) {
        progress.note(`queue: Redis lost ${lost.length} job(s) (restarted without persistence?): adding them again`);
        await add(lost);
      }
      progress.update({ total: jobs.length, done, running, failed });
      if (open.size > 0) await sleep(pollMs());
    }
    progress.update({ total: jobs.length, done, running: 0, failed }, true);
  } finally {
    progress.end();
    await queue.close().catch(() => undefined);
    redis.disconnect();
  }
}
