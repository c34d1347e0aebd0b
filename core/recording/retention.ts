// Retention of the recordings folder: segments older than the age limit are deleted, then the
// oldest segments go until the folder is under its size cap. Segments still being written are
// never deleted; a recording whose last segment is gone loses its folder. Runs at writer start
// and at each segment rotation (a few stat calls: not in the sampling path's steady state).

import { readdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SEGMENT_SUFFIX } from './format.ts';

export interface RetentionPolicy {
  /** Total bytes of all recordings in the folder; default 2 GiB. */
  readonly maxTotalBytes: number;
  /** Segments whose last write is older than this are deleted; default 7 days. */
  readonly maxAgeMs: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { maxTotalBytes: 2 * 1024 ** 3, maxAgeMs: 7 * 24 * 3600_000 };

interface SegmentStat {
  readonly dir: string;
  readonly path: string;
  readonly size: number;
  readonly mtime: number;
}

/** Segment files of every recording under `root`, oldest first. */
function segments(root: string): SegmentStat[] {
  const out: SegmentStat[] = [];
  let dirs: string[];
  try {
    dirs = readdirSync(root);
  } catch {
    return out;
  }
  for (const d of dirs) {
    const dir = join(root, d);
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith(SEGMENT_SUFFIX));
    } catch {
      continue; // not a folder
    }
    for (const n of names) {
      try {
        const st = statSync(join(dir, n));
        out.push({ dir, path: join(dir, n), size: st.size, mtime: st.mtimeMs });
      } catch {
        // deleted meanwhile
      }
    }
  }
  // Folder names start with the creation time, segment names with their number: name order
  // is age order even when mtimes tie.
  return out.sort((a, b) => a.mtime - b.mtime || (a.path < b.path ? -1 : 1));
}

/**
 * Delete segments over the age limit, then the oldest until the total fits the cap.
 * @param keep paths of segments being written (never deleted)
 * @returns the deleted paths
 */
export function enforceRetention(root: string, policy: RetentionPolicy, now: number, keep: ReadonlySet<string>): string[] {
  const all = segments(root);
  let total = 0;
  for (const s of all) total += s.size;
  const deleted: string[] = [];
  const touched = new Set<string>();
  for (const s of all) {
    if (keep.has(s.path)) continue;
    const old = now - s.mtime > policy.maxAgeMs;
    if (!old && total <= policy.maxTotalBytes) continue;
    try {
      unlinkSync(s.path);
      total -= s.size;
      deleted.push(s.path);
      touched.add(s.dir);
    } catch {
      // someone else removed it, or we may not: leave it
    }
  }
  for (const dir of touched) {
    try {
      if (readdirSync(dir).every((n) => !n.endsWith(SEGMENT_SUFFIX))) {
        for (const n of readdirSync(dir)) unlinkSync(join(dir, n));
        rmdirSync(dir);
      }
    } catch {
      // not empty or already gone
    }
  }
  return deleted;
}
