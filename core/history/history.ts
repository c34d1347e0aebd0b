// History as validation reads it: one time series per tag (times in seconds from the start of
// the history, values in model units, quality per sample), whatever it came from: a twinloop
// recording (a shadow run records the PLC's outputs and the measured sensors beside the model)
// or a historian's CSV export. Readers: recording-history.ts, csv-history.ts; the tag map that
// names each series' model signal and role: tag-map.ts.

import type { SignalType } from '../signals.ts';

/** What a tag is to the model: an input that drives it (a PLC output), a measurement it is compared with, or neither. */
export type TagRole = 'input' | 'compared' | 'other';

/** One tag's samples, in time order (a reader sorts them and reports time going backwards). */
export interface TagSeries {
  /** The model signal it maps to (`m1.run`, `pe2.blocked`); for 'other' tags the tag name. */
  readonly signal: string;
  /** The tag as the source names it (CSV column or tag, recorded signal name). */
  readonly tag: string;
  readonly role: TagRole;
  readonly type: SignalType;
  readonly unit: string;
  /** Seconds from the history's start. */
  readonly t: Float64Array;
  /** Model units (the plant file's scaling applied). */
  readonly v: Float64Array;
  /** 0 good, 1 uncertain, 2 bad (core/signals.ts Quality). */
  readonly q: Uint8Array;
  /** Times the source's clock went backwards for this tag (sample index after the step, seconds back). */
  readonly clockSteps: readonly { readonly at: number; readonly back: number }[];
}

/** How the source gave its times. */
export type TimeFormat = 'recording' | 'iso8601' | 'epoch-s' | 'epoch-ms' | 'seconds';

export interface History {
  /** The file or folder as the user named it. */
  readonly source: string;
  readonly format: 'recording' | 'csv-long' | 'csv-wide';
  readonly timeFormat: TimeFormat;
  /** Wall time of t = 0, ms since the epoch (NaN when the source gave relative seconds). */
  readonly startWall: number;
  /** Last sample time, s (the first is 0). */
  readonly span: number;
  /** Series by model signal. */
  readonly series: ReadonlyMap<string, TagSeries>;
  /** Tags of the source that map to no signal of the plant file (left out). */
  readonly unmapped: readonly string[];
  /** What the reader decided and the user should know (time format detected, quality convention). */
  readonly notes: readonly string[];
}

/** Read-side options shared by the readers. */
export interface HistoryReadOptions {
  /** Maps source tags to model signals and roles; without one every tag is its own signal. */
  readonly tagMap?: import('./tag-map.ts').TagMap;
}
