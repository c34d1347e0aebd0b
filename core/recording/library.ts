// The recordings folder as a collection: list what is there and open a recording by id, keeping
// a few open (the HMI scrubs and plays one recording with many small requests) and refreshing
// them so a recording still being written grows. Ids are checked to be plain folder names.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TwinloopError } from '../errors.ts';
import { Recording, segmentNames, type RecordingSummary } from './reader.ts';
import { isRecordingId } from './writer.ts';

const MAX_OPEN = 8;

export class RecordingLibrary {
  readonly root: string;
  // Insertion order = least recently used first.
  readonly #open = new Map<string, Recording>();

  constructor(root: string) {
    this.root = root;
  }

  /** Every readable recording, newest first (unreadable folders are left out). */
  list(): RecordingSummary[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch {
      return [];
    }
    const out: RecordingSummary[] = [];
    for (const id of names.sort().reverse()) {
      if (!isRecordingId(id) || segmentNames(join(this.root, id)).length === 0) continue;
      try {
        const cached = this.#open.get(id);
        if (cached !== undefined) {
          cached.refresh();
          out.push(cached.summary());
          continue;
        }
        // Lists read lengths, not payloads: cheap for long recordings.
        const rec = Recording.open(join(this.root, id), { verify: 'tail' });
        try {
          out.push(rec.summary());
        } finally {
          rec.close();
        }
      } catch {
        // a folder being deleted by retention, or not a recording
      }
    }
    return out;
  }

  /**
   * The recording `id`, opened (fully verified) once and refreshed on each call.
   * @throws TwinloopError REC_NOT_FOUND for an unknown or malformed id, REC_CORRUPT for a bad first header
   */
  get(id: string): Recording {
    if (!isRecordingId(id)) throw new TwinloopError('REC_NOT_FOUND', `no recording ${JSON.stringify(id.slice(0, 80))}`);
    let rec = this.#open.get(id);
    if (rec !== undefined) {
      this.#open.delete(id);
      this.#open.set(id, rec);
      if (!exists(join(this.root, id))) {
        this.#open.delete(id);
        rec.close();
        throw new TwinloopError('REC_NOT_FOUND', `no recording ${id}`);
      }
      rec.refresh();
      return rec;
    }
    const dir = join(this.root, id);
    if (!exists(dir)) throw new TwinloopError('REC_NOT_FOUND', `no recording ${id}`);
    rec = Recording.open(dir);
    this.#open.set(id, rec);
    if (this.#open.size > MAX_OPEN) {
      const [oldId, old] = this.#open.entries().next().value as [string, Recording];
      this.#open.delete(oldId);
      old.close();
    }
    return rec;
  }

  /**
   * A separate reader of `id` for a long sequential read (CSV export) that must not share its
   * position with the HMI's scrubbing. Blocks are CRC-checked as they are read. Close it.
   * @throws TwinloopError REC_NOT_FOUND, REC_CORRUPT
   */
  openDetached(id: string): Recording {
    if (!isRecordingId(id) || !exists(join(this.root, id))) throw new TwinloopError('REC_NOT_FOUND', `no recording ${JSON.stringify(id.slice(0, 80))}`);
    return Recording.open(join(this.root, id), { verify: 'tail' });
  }

  /** Close every open recording. */
  close(): void {
    for (const rec of this.#open.values()) rec.close();
    this.#open.clear();
  }
}

function exists(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
