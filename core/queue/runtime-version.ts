// What a job needs of the worker that runs it: the same twinloop version and the same Node
// (V8's Math functions and number formatting are part of a run's result), else the results
// would not be identical to a local run. The submitter puts its own in every job; a worker
// of another refuses the job, and the refusal reaches the submitter as the job's error.

import { readFileSync } from 'node:fs';

export interface RuntimeVersion {
  readonly twinloop: string;
  readonly node: string;
}

let own: RuntimeVersion | undefined;

/** This process's twinloop (package.json) and Node versions. */
export function runtimeVersion(): RuntimeVersion {
  own ??= {
    twinloop: (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
    node: process.versions.node,
  };
  return own;
}

export function sameRuntime(a: RuntimeVersion, b: RuntimeVersion): boolean {
  return a.twinloop === b.twinloop && a.node === b.node;
}

export function runtimeLabel(v: RuntimeVersion): string {
  return `twinloop ${v.twinloop} on Node ${v.node}`;
}
