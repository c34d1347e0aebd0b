// A queued job: one sweep point, one scenario or one plan run with everything a worker on
// another machine needs to run it exactly as the pool would here: the task (paths as the
// submitter wrote them), the files it reads (line, plant, program, snapshot, scenario; a plan
// and its orders, plan-job.ts) by sha256 relative to their common folder, and the submitter's
// runtime version.

import { readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isSourceSpec } from '../../plc-adapters/sim/program-source.ts';
import { loadLineFile } from '../config/line-file.ts';
import { loadScenarioFile } from '../scenario/scenario-file.ts';
import type { PoolTask } from '../scenario/pool-worker.ts';
import type { ScenarioResult } from '../scenario/runner.ts';
import { MAX_JOB_FILES, readBlob } from './content-store.ts';
import type { RuntimeVersion } from './runtime-version.ts';
import { localPlanTask, planTaskRefs } from './plan-job.ts';
import type { JobTask } from './queue-pool-worker.ts';

/** The twinloop install folder (the demo line, a scenario's default, lives under it). */
export const HOME = fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, '');

export interface QueueJobData {
  readonly version: RuntimeVersion;
  /** The point's or scenario's name for progress lines. */
  readonly name: string;
  readonly task: JobTask;
  /** The submitter's working directory (relative task paths resolve against it). */
  readonly cwd: string;
  /** The submitter's folder holding every file below; `files` are relative to it ('/'-separated). */
  readonly root: string;
  readonly files: Readonly<Record<string, string>>;
  /** The submitter's install folder, for results naming the worker's own demo line. */
  readonly home: string;
}

/** Files of a program spec: its .st/.xml/TwinCAT files, folders walked; none for built-in names. */
function programFiles(spec: string | undefined, out: Set<string>): void {
  if (spec === undefined || !isSourceSpec(spec)) return;
  for (const part of spec.split(',').map((p) => p.trim())) walk(resolve(part), out);
}

function walk(path: string, out: Set<string>): void {
  if (out.size > MAX_JOB_FILES) return;
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // missing: the worker's run reports it with the usual message
  }
  if (st.isDirectory()) for (const n of readdirSync(path).sort()) walk(join(path, n), out);
  else out.add(path);
}

function lineFiles(line: string, out: Set<string>): void {
  walk(line, out);
  try {
    programFiles(loadLineFile(line).program, out);
  } catch {
    // a broken line file: the worker's run reports it
  }
}

/** Every file a task reads, absolute. */
export function taskFiles(t: JobTask): Set<string> {
  const out = new Set<string>();
  if (t.kind === 'plan-run') {
    const refs = planTaskRefs(t.task);
    walk(refs.plan, out);
    for (const line of refs.lines) lineFiles(line, out);
    if (refs.orders !== undefined) walk(refs.orders, out);
    return out;
  }
  if (t.kind === 'sweep-point') {
    lineFiles(t.task.line, out);
    programFiles(t.task.program, out);
    return out;
  }
  const file = resolve(t.task.file);
  walk(file, out);
  programFiles(t.task.program, out);
  try {
    const doc = loadScenarioFile(t.task.file);
    lineFiles(doc.linePath, out);
    if (doc.initialPath !== undefined) walk(doc.initialPath, out);
    if (doc.plantPath !== undefined) walk(doc.plantPath, out);
  } catch {
    // a broken scenario file: the worker's run reports it as the local run does
  }
  return out;
}

/** The deepest folder holding every path. */
function commonFolder(paths: readonly string[]): string {
  if (paths.length === 0) return resolve('.');
  let root = dirname(paths[0]!);
  for (const p of paths) while (relative(root, p).startsWith('..') || isAbsolute(relative(root, p))) root = dirname(root);
  return root;
}

/** What the jobs of one submission share: file bodies by sha256 (to upload), each read once. */
export interface JobFiles {
  readonly blobs: Map<string, Uint8Array>;
  readonly shaOf: Map<string, string>;
  /** A sweep's points all read the same files: found once per line and program. */
  readonly filesOf: Map<string, readonly string[]>;
}

export function jobFiles(): JobFiles {
  return { blobs: new Map(), shaOf: new Map(), filesOf: new Map() };
}

/** The job for one task; the bodies of its files go into `store.blobs`. */
export function makeJob(task: JobTask, name: string, version: RuntimeVersion, store: JobFiles): QueueJobData {
  const { blobs, shaOf, filesOf } = store;
  const key = task.kind === 'sweep-point'
    ? `sweep\0${task.task.line}\0${task.task.program}`
    : task.kind === 'plan-run'
      ? `plan\0${resolve(task.task.file)}\0${task.task.line ?? ''}`
      : `scenario\0${resolve(task.task.file)}\0${task.task.program ?? ''}`;
  let paths = filesOf.get(key);
  if (!paths) filesOf.set(key, (paths = [...taskFiles(task)]));
  const root = commonFolder(paths);
  const files: Record<string, string> = {};
  for (const p of paths) {
    let sha = shaOf.get(p);
    if (sha === undefined) {
      const b = readBlob(p);
      sha = b.sha;
      shaOf.set(p, sha);
      blobs.set(sha, b.bytes);
    }
    files[relative(root, p).split(sep).join('/')] = sha;
  }
  return { version, name, task, cwd: process.cwd(), root, files, home: HOME };
}

/** The task with its paths moved into the worker's copy of the tree. */
export function localTask(job: QueueJobData, localRoot: string): JobTask {
  const local = (p: string): string => join(localRoot, relative(job.root, resolve(job.cwd, p)));
  const spec = (s: string): string => (isSourceSpec(s) ? s.split(',').map((p) => local(p.trim())).join(',') : s);
  const t = job.task;
  if (t.kind === 'sweep-point') return { kind: 'sweep-point', task: { ...t.task, line: local(t.task.line), program: spec(t.task.program) } };
  if (t.kind === 'plan-run') return { kind: 'plan-run', task: localPlanTask(t.task, local) };
  return { kind: 'scenario', task: { ...t.task, file: local(t.task.file), ...(t.task.program !== undefined ? { program: spec(t.task.program) } : {}) } };
}

/** The `error` result a job that failed on every attempt is reported as (like a file that cannot load). */
export function failedResult(t: PoolTask, message: string): ScenarioResult {
  const base = { status: 'error' as const, message, steps: [], kpis: [], kpiValues: null, simTime: 0, wallMs: 0, involved: [], snapshots: [] };
  if (t.kind === 'sweep-point') return { ...base, name: t.task.name, file: t.task.line, program: t.task.program, seed: t.task.seed ?? 0 };
  return { ...base, name: t.task.file, file: t.task.file, program: t.task.program ?? '', seed: 0 };
}
