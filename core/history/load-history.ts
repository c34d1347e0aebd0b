// One entry for every history source: a recording folder (or a recording id under
// `<data>/recordings`) or a CSV file; the plant file's tag map when a plant is given.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PlantFile } from '../config/plant-file.ts';
import type { LineFile } from '../../physics/model.ts';
import { TwinloopError } from '../errors.ts';
import type { History } from './history.ts';
import { readCsvHistory } from './csv-history.ts';
import { readRecordingHistory } from './recording-history.ts';
import { tagMapOf } from './tag-map.ts';

export interface LoadHistoryOptions {
  readonly plant?: PlantFile;
  readonly line?: LineFile;
  /** Data folder for recording ids (default ./data). */
  readonly dataDir?: string;
}

/**
 * Load history from `ref`: a recording folder, a recording id, or a `.csv` file.
 * @throws TwinloopError HIST_FORMAT (a bad CSV: file:line:col), REC_NOT_FOUND, REC_CORRUPT
 */
export function loadHistory(ref: string, opts: LoadHistoryOptions = {}): History {
  const path = existsSync(ref) ? ref : join(opts.dataDir ?? './data', 'recordings', ref);
  if (!existsSync(path)) throw new TwinloopError('REC_NOT_FOUND', `no history at ${ref}: not a file, a folder, or a recording id under ${join(opts.dataDir ?? './data', 'recordings')}`);
  if (statSync(path).isDirectory()) {
    // A recording: map through the plant when given, else by the recording's own kinds.
    return readRecordingHistory(path, opts.plant ? { tagMap: tagMapOf(opts.plant, opts.line) } : {});
  }
  return readCsvHistory(path, { tagMap: tagMapOf(opts.plant, opts.line) });
}
