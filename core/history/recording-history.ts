// History from a twinloop recording: every recorded frame is a sample of every mapped tag. In a
// shadow run's recording a compared sensor has two columns, the model's (`pe2.blocked`) and the
// line's (`pe2.blocked.measured`): the measured one is the history; the model's own is ignored
// (validation runs the model again).

import { Recording } from '../recording/reader.ts';
import { MEASURED_SUFFIX } from '../shadow/rules.ts';
import type { History, HistoryReadOptions, TagSeries } from './history.ts';
import { SeriesBuilder } from './series-builder.ts';
import { tagMapOf } from './tag-map.ts';

/** Read the recording in folder `dir` (the whole of it). @throws TwinloopError REC_NOT_FOUND, REC_CORRUPT */
export function readRecordingHistory(dir: string, opts: HistoryReadOptions = {}): History {
  const rec = Recording.open(dir, { verify: 'tail' });
  try {
    const kinds = new Map(rec.signals.map((s) => [s.name, s.kind] as const));
    const map = opts.tagMap ?? tagMapOf(undefined, undefined, (tag) => kinds.get(tag));
    const names = new Set(rec.signals.map((s) => s.name));
    const builders: SeriesBuilder[] = [];
    const ids: number[] = [];
    const taken = new Set<string>();
    const unmapped: string[] = [];
    // Measured twins first, so a compared signal takes the line's column, not the model's.
    const order = [...rec.signals.keys()].sort((a, b) => Number(rec.signals[b]!.name.endsWith(MEASURED_SUFFIX)) - Number(rec.signals[a]!.name.endsWith(MEASURED_SUFFIX)));
    for (const id of order) {
      const s = rec.signals[id]!;
      if (/^items\.\d+\./.test(s.name)) continue;
      const target = map.resolve(s.name);
      if (target === undefined) {
        unmapped.push(s.name);
        continue;
      }
      if (taken.has(target.signal)) continue;
      // The model's own column of a compared sensor is not history when its measured twin exists.
      if (target.role === 'compared' && !s.name.endsWith(MEASURED_SUFFIX) && names.has(s.name + MEASURED_SUFFIX)) continue;
      // In a shadow recording a plain sensor column without a measured twin is the model's: not history.
      if (target.role === 'compared' && !s.name.endsWith(MEASURED_SUFFIX) && [...names].some((n) => n.endsWith(MEASURED_SUFFIX))) continue;
      if (target.role === 'other' && map.open) continue;
      taken.add(target.signal);
      builders.push(new SeriesBuilder({ ...target, type: target.type ?? s.type, unit: target.unit || s.unit }, s.name));
      ids.push(id);
    }
    const from = rec.from;
    const summary = rec.summary();
    let last = from;
    if (Number.isFinite(from)) {
      for (const f of rec.frames(from, rec.to)) {
        const t = f.t;
        const v = f.values;
        const q = f.quality;
        for (let j = 0; j < ids.length; j++) {
          const target = builders[j]!.target;
          builders[j]!.push(t, v[ids[j]!]! * target.gain + target.offset, q[ids[j]!]!);
        }
        last = t;
      }
    }
    const series = new Map<string, TagSeries>();
    for (const b of builders) series.set(b.target.signal, b.finish(Number.isFinite(from) ? from : 0));
    const notes = [`twinloop recording ${rec.id}: ${summary.frames} frames, every frame a sample of every tag`];
    if (rec.truncated) notes.push(`the recording ends early at ${rec.truncated.path} byte ${rec.truncated.offset}: ${rec.truncated.reason}`);
    return {
      source: dir,
      format: 'recording',
      timeFormat: 'recording',
      startWall: summary.wallStart,
      span: Number.isFinite(from) ? last - from : 0,
      series,
      // The model's own columns (states, item slots) are not history: only unmapped measurements are worth a word.
      unmapped: unmapped.filter((n) => n.endsWith(MEASURED_SUFFIX)),
      notes,
    };
  } finally {
    rec.close();
  }
}
