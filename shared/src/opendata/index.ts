/**
 * The public data formats: the data dictionary, badges, the feed's release events, series requests and CSV, the whole-history export, OpenMetrics of
 * the latest day, and the health rule.
 */
export type { ShieldsEndpoint } from "./badge";
export { badgeOf, compactNumber } from "./badge";
export type { DictionaryEntry, Population, SeriesFamily } from "./dictionary";
export {
  dictionary,
  FAMILIES,
  familiesOfKeys,
  familyOf,
  firstYearChunks,
  keyParts,
} from "./dictionary";
export { EXPORT_BATCH, EXPORT_HEADER, exportChunks, exportCsv } from "./export";
export { expectedDay, healthOf } from "./health";
export type { MetricFamily } from "./metrics";
export {
  formatOpenMetrics,
  METRIC_PREFIX,
  metricFamilies,
  OPENMETRICS_CONTENT_TYPE,
  openMetrics,
} from "./metrics";
export type { ReleaseEvent } from "./releases";
export { MILESTONES, releaseEvents, SEEN_MIN_INSTALLATIONS } from "./releases";
export { EMPTY_PAGE, parseSeriesRequest, seriesCsv } from "./series";
