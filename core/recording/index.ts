// The public face of core/recording: record a run's signals to disk (RecordingWriter for frames
// you produce, TableRecorder/recordRun for a live signal table), read them back (Recording,
// RecordingLibrary), export CSV. Everything else in this folder is implementation.
// Format, guarantees and defaults: docs/recording.md.

export { RecordingWriter, isRecordingId, newRecordingId, DEFAULT_BLOCK_SECONDS, DEFAULT_SEGMENT_BYTES, type RecordingWriterOptions, type WriterStats } from './writer.ts';
export { TableRecorder, recordRun, DEFAULT_RATE_HZ, type RecorderOptions, type RecorderStats, type RecordableRun } from './recorder.ts';
export { Recording, type OpenOptions, type RecordedFrame, type RecordingSummary, type Truncation } from './reader.ts';
export { RecordingLibrary } from './library.ts';
export { exportCsv, csvNumber, type CsvOptions } from './csv-export.ts';
export { DEFAULT_RETENTION, type RetentionPolicy } from './retention.ts';
export type { RecordedSignal, RecordingMeta, SegmentHeader } from './format.ts';
