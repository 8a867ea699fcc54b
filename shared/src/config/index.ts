/**
 * Names, environments, time and errors every part of the service agrees on: binding, variable,
 * header and worker names, limits, UTC day arithmetic, the one JSON error shape, the security
 * headers, and the chart colors (the page draws in them, the site's CSP allows their inline
 * styles). Each worker's typed `Env` is the `env` face.
 */
export { CHART_COLORS, CHART_INLINE_STYLES, OTHER_COLOR } from "./chart-colors";
export type { Problem } from "./errors";
export { problemResponse } from "./errors";
export { DATA_CSP, SECURITY_HEADERS, withSecurityHeaders } from "./headers";
export type { Environment } from "./names";
export {
  BINDING,
  CONVERGE_CRON,
  DAY_MS,
  ENVIRONMENTS,
  FINISH_CRON,
  HEADER,
  MAX_BODY_BYTES,
  MAX_METADATA_BYTES,
  MAX_NEW_SERIES_PER_GROUP,
  RAW_TTL_SECONDS,
  SECRET,
  SUMMARY_CRON,
  VAR,
  WORKER_NAME,
} from "./names";
export { SMALL_CELL_K } from "./privacy";
export { isoDay, parseCheckInTime, parseIsoDay, startOfUtcDay } from "./time";
