// `twinloop worker --queue redis://HOST:PORT`: a queue worker on this machine. Takes sweep
// points, scenarios and plan runs that `twinloop sweep|test|plan --queue` enqueue, runs them in
// a local pool and hands back KPIs and traces (a plan run: its KPIs and Gantt bars); runs until
// SIGINT or SIGTERM (then finishes nothing more: its running jobs go back to the queue after the
// lock time and run elsewhere).

import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from './args.ts';
import { parseQueueUrl, queueLabel } from '../queue/queue-address.ts';
import { DEFAULT_LOCK_MS, QueueWorker } from '../queue/queue-worker.ts';
import { runtimeLabel, runtimeVersion } from '../queue/runtime-version.ts';

export const WORKER_USAGE = `usage: twinloop worker --queue redis://HOST:PORT[/DB] [--threads N] [--cache DIR] [--lock-ms MS] [--quiet]

  --queue URL   the Redis that \`twinloop sweep|test|plan --queue URL\` submit to
  --threads N   jobs run at once, each in a pool thread (default: ${availableParallelism()}, the available parallelism)
  --cache DIR   where the jobs' files are laid out (default: <tmp>/twinloop-queue-cache)
  --lock-ms MS  a killed worker's jobs run elsewhere after about this long (default ${DEFAULT_LOCK_MS})
  --quiet       no line per job (lost and regained connections are still said)`;

export async function workerCommand(argv: readonly string[], out: NodeJS.WriteStream = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      queue: { type: 'string' },
      threads: { type: 'string' },
      cache: { type: 'string' },
      'lock-ms': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    out.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`worker takes no file arguments\n${WORKER_USAGE}`);
  if (values.queue === undefined) throw new UsageError(`worker needs --queue redis://HOST:PORT\n${WORKER_USAGE}`);
  const connection = parseQueueUrl(values.queue);
  const threads = values.threads !== undefined ? Number(values.threads) : availableParallelism();
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new UsageError(`--threads must be an integer from 1 to 64, got ${JSON.stringify(values.threads)}`);
  const lockMs = values['lock-ms'] !== undefined ? Number(values['lock-ms']) : DEFAULT_LOCK_MS;
  if (!Number.isInteger(lockMs) || lockMs < 1000 || lockMs > 3_600_000) throw new UsageError(`--lock-ms must be an integer from 1000 to 3600000, got ${JSON.stringify(values['lock-ms'])}`);
  const log = (line: string): void => void out.write(`${line}\n`);
  const worker = new QueueWorker({ connection, threads, lockMs, ...(values.cache !== undefined ? { cacheDir: resolve(values.cache) } : {}), notice: log, ...(values.quiet ? {} : { log }) });
  await worker.ready();
  log(`twinloop worker ${worker.id}: ${runtimeLabel(runtimeVersion())}, ${threads} thread(s), taking jobs from ${queueLabel(connection)}`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  log(`twinloop worker ${worker.id}: stopping`);
  await worker.close();
  return 0;
}
