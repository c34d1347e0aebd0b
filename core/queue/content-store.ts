// Files travel by content: the submitter stores each file a job needs once in Redis under its
// sha256 (a 200-point sweep of one line uploads the line and program once); a worker fetches
// the bodies it lacks, checks each against its hash, and lays the job's folder tree out under
// its cache, one tree per distinct set of files, reused by every job that names the same set.

import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Redis } from 'ioredis';
import { TwinloopError } from '../errors.ts';
import { BLOB_PREFIX } from './queue-address.ts';

/** Blobs expire a week after their last upload: a store, not an archive. */
const BLOB_TTL_S = 7 * 24 * 3600;
/** Most files one job may name (every loop bounded). */
export const MAX_JOB_FILES = 2000;

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Store every body not stored yet; refresh the expiry of those that are. */
export async function uploadBlobs(redis: Redis, blobs: ReadonlyMap<string, Uint8Array>): Promise<void> {
  await Promise.all(
    [...blobs].map(async ([sha, bytes]) => {
      const set = await redis.set(BLOB_PREFIX + sha, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'EX', BLOB_TTL_S, 'NX');
      if (set === null) await redis.expire(BLOB_PREFIX + sha, BLOB_TTL_S);
    }),
  );
}

/** A worker's local copy of job trees and blobs. */
export class ContentCache {
  readonly dir: string;
  readonly #redis: Redis;
  /** Trees being laid out now, so two jobs of one sweep wait for one copy. */
  readonly #pending = new Map<string, Promise<string>>();

  constructor(redis: Redis, dir: string) {
    this.#redis = redis;
    this.dir = dir;
    mkdirSync(join(dir, 'trees'), { recursive: true });
  }

  /**
   * The local folder holding `files` (path relative to the tree -> sha256).
   * @throws TwinloopError QUEUE_CONTENT when a body is missing from Redis or does not match its hash
   */
  tree(files: Readonly<Record<string, string>>): Promise<string> {
    const entries = Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (entries.length > MAX_JOB_FILES) return Promise.reject(new TwinloopError('QUEUE_CONTENT', `a job names ${entries.length} files, at most ${MAX_JOB_FILES}`));
    const id = sha256(Buffer.from(JSON.stringify(entries)));
    const dir = join(this.dir, 'trees', id);
    // The folder is renamed into place only when complete, so its existence means complete.
    if (existsSync(dir)) return Promise.resolve(dir);
    let p = this.#pending.get(id);
    if (!p) {
      p = this.#layOut(dir, entries).finally(() => this.#pending.delete(id));
      this.#pending.set(id, p);
    }
    return p;
  }

  async #layOut(dir: string, entries: readonly [string, string][]): Promise<string> {
    const tmp = `${dir}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      for (const [rel, sha] of entries) {
        if (rel.split('/').includes('..') || rel.startsWith('/')) throw new TwinloopError('QUEUE_CONTENT', `a job names the file ${JSON.stringify(rel)} outside its folder`);
        const bytes = await this.#redis.getBuffer(BLOB_PREFIX + sha);
        if (bytes === null) throw new TwinloopError('QUEUE_CONTENT', `the content of ${rel} (sha256 ${sha.slice(0, 12)}…) is not in Redis: it expired or Redis lost it; submit again`);
        if (sha256(bytes) !== sha) throw new TwinloopError('QUEUE_CONTENT', `the content of ${rel} in Redis does not match its sha256 ${sha.slice(0, 12)}…`);
        const path = join(tmp, rel);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, bytes);
      }
      mkdirSync(tmp, { recursive: true });
      try {
        renameSync(tmp, dir);
      } catch (err) {
        // Another worker process sharing this cache laid the same tree out first.
        if (!existsSync(dir)) throw err;
        rmSync(tmp, { recursive: true, force: true });
      }
      return dir;
    } catch (err) {
      rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
  }
}

/** Read a file for upload (its sha256 beside it). */
export function readBlob(path: string): { sha: string; bytes: Uint8Array } {
  const bytes = readFileSync(path);
  return { sha: sha256(bytes), bytes };
}
