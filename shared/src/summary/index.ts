/**
 * The summary rule: how one day of check-ins becomes series points, and the series key names.
 * Pure: no KV in it.
 */

export { isJointGroup, OTHER, publishJoint } from "./joint";
export type { Point, ProcessKind, ProcessMeasure } from "./keys";
export {
  AGE_PREFIX,
  ageKey,
  isSeriesKey,
  POSTGRESQL_PREFIX,
  PROCESS_KINDS,
  PROCESS_MEASURES,
  postgresqlKey,
  processKey,
  RBAC_PREFIX,
  rbacKey,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  VERSIONS_PREFIX,
  VERSIONS_XYZ_PREFIX,
  versionsKey,
  versionsXyzKey,
} from "./keys";
export { isMovementGroup, publishMovement } from "./movement";
export type {
  DayPartial,
  DaySummary,
  EstablishedRule,
  SummaryConfig,
  SystemRecord,
} from "./rule";
export {
  bucket,
  checkInDaysOf,
  DaySummarizer,
  DEFAULT_PERSISTENT_MIN_AGE_DAYS,
  DEFAULT_PUBLISHED_COMPONENTS,
  isEstablished,
  parseSummaryConfig,
  postgresqlMajor,
  roundMean,
  summarizeDay,
  systemKeys,
} from "./rule";
