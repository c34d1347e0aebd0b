// One evaluation of the calibration objective as a task: the line (plain data), the parameter
// values to set, the window and the signals. The history is named, not sent: a worker loads it
// once (the same loader as the main thread) and keeps it for the calibration's later tasks.

import type { LineFile } from '../../physics/model.ts';
import type { PlantFile } from '../config/plant-file.ts';
import type { History } from '../history/history.ts';
import { loadHistory } from '../history/load-history.ts';
import { scoreWindow, withParameters, type WindowScore } from './objective.ts';

export interface HistoryRef {
  /** A recording folder or id, or a CSV file. */
  readonly ref: string;
  readonly plant?: PlantFile;
  readonly dataDir?: string;
}

export interface CalibrationTask {
  readonly line: LineFile;
  readonly history: HistoryRef;
  readonly paths: readonly string[];
  readonly values: readonly number[];
  readonly from: number;
  readonly to: number;
  readonly signals: readonly string[];
  readonly edgeWindow: number;
}

const histories = new Map<string, History>();

/** The history a task names, loaded once per thread. */
export function historyOf(h: HistoryRef, line: LineFile): History {
  const key = `${h.ref}\u0000${h.dataDir ?? ''}\u0000${h.plant?.name ?? ''}`;
  let got = histories.get(key);
  if (got === undefined) {
    got = loadHistory(h.ref, { ...(h.plant ? { plant: h.plant } : {}), line, ...(h.dataDir ? { dataDir: h.dataDir } : {}) });
    // One calibration at a time per thread in practice; keep the newest few.
    if (histories.size >= 4) histories.delete(histories.keys().next().value!);
    histories.set(key, got);
  }
  return got;
}

export function runCalibrationTask(t: CalibrationTask): WindowScore {
  const history = historyOf(t.history, t.line);
  return scoreWindow(withParameters(t.line, t.paths, t.values), history, t.from, t.to, t.signals, t.edgeWindow);
}
