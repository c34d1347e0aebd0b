// The queue's pure parts, without Redis: the --queue address, the progress line and its ETA
// (hand-computed), a job's files by content relative to their common folder and the paths
// moved into a worker's copy, and the result codec (bit-exact bytes, NaN and -0 kept; paths
// given back as the submitter wrote them).

import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join, relative } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isTwinloopError } from '../../core/errors.ts';
import { parseQueueUrl, queueLabel } from '../../core/queue/queue-address.ts';
import { eta, formatDuration, progressText } from '../../core/queue/queue-progress.ts';
import { jobFiles, localTask, makeJob } from '../../core/queue/queue-job.ts';
import { sha256 } from '../../core/queue/content-store.ts';
import { decodeResult, encodeResult, remapResult } from '../../core/queue/result-codec.ts';
import { runtimeVersion } from '../../core/queue/runtime-version.ts';
import type { ScenarioResult } from '../../core/scenario/runner.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url)).replace(/\/$/, '');

test('--queue: redis://host:port/db, with defaults; anything else is QUEUE_URL naming what was expected', () => {
  const c = parseQueueUrl('redis://127.0.0.1:6390/2');
  assert.equal([c.host, c.port, c.db, c.maxRetriesPerRequest], ['127.0.0.1', 6390, 2, null]);
  assert.equal([parseQueueUrl('redis://queue.example').port, parseQueueUrl('redis://queue.example').db], [6379, 0]);
  assert.is(parseQueueUrl('redis://:s3cret@h:1').password, 's3cret');
  assert.is(queueLabel(parseQueueUrl('redis://:s3cret@h:1/3')), 'redis://h:1/3');
  for (const [bad, why] of [['http://h:1', /scheme must be redis/], ['h:6379', /scheme must be redis|expected redis/], ['redis://h:1/99', /database .* 0-15/], ['nonsense', /expected redis:\/\/host:port/]] as const) {
    try {
      parseQueueUrl(bad);
      assert.unreachable(bad);
    } catch (err) {
      assert.ok(isTwinloopError(err, 'QUEUE_URL'), String(err));
      assert.match((err as Error).message, why);
    }
  }
});

test('progress: done, running, failed and an ETA from the mean time per finished job', () => {
  // 10 of 40 finished (8 done, 2 failed) in 50 s: 5 s each, 30 left -> 150 s.
  assert.is(eta({ total: 40, done: 8, running: 3, failed: 2 }, 50), 150);
  assert.ok(Number.isNaN(eta({ total: 4, done: 0, running: 1, failed: 0 }, 3)));
  assert.is(formatDuration(150), '2m30s');
  assert.is(formatDuration(7260), '2h01m');
  assert.is(formatDuration(NaN), '?');
  assert.is(progressText({ total: 40, done: 8, running: 3, failed: 2 }, 50), 'queue: 8/40 done, 3 running, 2 failed, ETA 2m30s');
});

test("a sweep point's job: the line and its ST program by sha256, relative to their folder; paths moved into a worker's copy", () => {
  const line = join(EXAMPLES, 'furnace.yaml');
  const store = jobFiles();
  const blobs = store.blobs;
  const task = { name: 'p-1', line, program: join(EXAMPLES, 'programs/furnace.st'), duration: 5, sampleMs: 100, overrides: {}, programParams: {} };
  const job = makeJob({ kind: 'sweep-point', task }, 'p-1', runtimeVersion(), store);
  assert.is(job.root, EXAMPLES);
  assert.equal(Object.keys(job.files).sort(), ['furnace.yaml', 'programs/furnace.st']);
  assert.is(job.files['furnace.yaml'], sha256(readFileSync(line)));
  assert.is(blobs.size, 2);
  // A second point of the same sweep reads nothing again.
  makeJob({ kind: 'sweep-point', task }, 'p-2', runtimeVersion(), store);
  assert.is(blobs.size, 2);
  const local = localTask(job, '/cache/trees/abc');
  assert.ok(local.kind === 'sweep-point');
  if (local.kind === 'sweep-point') {
    assert.is(local.task.line, '/cache/trees/abc/furnace.yaml');
    assert.is(local.task.program, '/cache/trees/abc/programs/furnace.st');
  }
  const scenario = makeJob({ kind: 'scenario', task: { file: relative(process.cwd(), join(EXAMPLES, 'scenarios/03-pusher-jam.yaml')) } }, 's', runtimeVersion(), store);
  assert.ok('scenarios/03-pusher-jam.yaml' in scenario.files && 'sorting.yaml' in scenario.files, Object.keys(scenario.files).join());
});

test('result codec: trace bytes, NaN and -0 arrive exactly; paths are given back, bytes untouched', () => {
  const trace = new Uint8Array([0, 255, 47, 116, 109, 112]); // contains "/tmp" as bytes: never rewritten
  const r: ScenarioResult = { name: '/tmp/w/t1/s.yaml', file: '/tmp/w/t1/s.yaml', program: '/tmp/w/t1/p.st,sorting', seed: 3, status: 'failed', message: 'at /tmp/w/t1/line.yaml: x', steps: [], kpis: [], kpiValues: { throughput: NaN, cycleTime: -0 } as unknown as ScenarioResult['kpiValues'], simTime: 1.5, wallMs: 2, involved: ['a'], trace, snapshots: [{ file: 'snap.bin', bytes: new Uint8Array([1, 2]) }] };
  const back = decodeResult(encodeResult(remapResult(r, [['/tmp/w/t1/s.yaml', 'examples/s.yaml'], ['/tmp/w/t1', '/home/u/proj']])));
  assert.is(back.name, 'examples/s.yaml');
  assert.is(back.program, '/home/u/proj/p.st,sorting');
  assert.is(back.message, 'at /home/u/proj/line.yaml: x');
  assert.ok(Buffer.from(back.trace!).equals(Buffer.from(trace)));
  assert.ok(back.trace instanceof Uint8Array);
  const k = back.kpiValues as unknown as { throughput: number; cycleTime: number };
  assert.ok(Number.isNaN(k.throughput));
  assert.ok(Object.is(k.cycleTime, -0));
});

test.run();
