// The public face of core/validation (issue 20): validate a line model against history.
//   validateModel(opts) -> ValidationReport (JSON-able); validateModelDetailed -> also the paired
//   series for overlays; the metric functions (metrics.ts); thresholds files (thresholds.ts);
//   the reports (validation-report.ts). History reading and readiness live in core/history/.

export { validateModel, validateModelDetailed, type ValidateOptions, type ValidationReport, type ValidationRun, type SignalResult, type SignalStatus, type SignalTrace } from './validate.ts';
export { rmse, cvRmse, nmbe, maxError, theilU, mean, percentile, edges, matchEdges, ksTwoSample, qKs, intervals, countsPerWindow, type EdgeMatch } from './metrics.ts';
export { loadThresholds, parseThresholds, limitsOf, DEFAULT_THRESHOLDS, DEFAULT_LIMITS, VALIDATION_SCHEMA_URL, type Thresholds, type SignalLimits, type Limit } from './thresholds.ts';
export type { SignalMetrics, MetricCheck, SignalClass } from './signal-metrics.ts';
export { validationHtml, validationJunit } from './validation-report.ts';
export { replay, type ReplayOptions, type ReplayResult, type ModelEdges } from './replay.ts';
export { recordedOnChange, edgesInKept, REGULAR_SAMPLING } from './edge-times.ts';
export { loadHistory, type LoadHistoryOptions } from '../history/load-history.ts';
export { checkHistory, READINESS_RULES, type ReadinessReport, type TagCheck, type Stretch } from '../history/readiness.ts';
export type { History, TagSeries } from '../history/history.ts';
