/**
 * SUMMARY key names (docs/contract.md#3-summaries-and-series-keys), defined once. Series keys are `__`-separated and never start
 * with `_`; keys starting with `_` are the summarizer's bookkeeping and are never published.
 */
import type { RbacMeasure } from "../checkin/schema";

export type Point = [epochMillis: number, value: number];

export const SYSTEMS_TOTAL = "systems__total";
export const SYSTEMS_PERSISTENT = "systems__persistent";

export const PROCESS_KINDS = ["online_workers", "online_content_apps"] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];
export const PROCESS_MEASURES = ["processes", "hosts"] as const;
export type ProcessMeasure = (typeof PROCESS_MEASURES)[number];
/** Per process measure: mean, extremes, and the median and 90th percentile (a mean is pulled by
 * a handful of huge deployments; the median is what a typical Pulp looks like). */
export const STATS = ["mean", "min", "max", "p50", "p90"] as const;
export type Stat = (typeof STATS)[number];

export const processKey = (kind: ProcessKind, measure: ProcessMeasure, stat: Stat) =>
  `${kind}__${measure}__${stat}`;

export const VERSIONS_PREFIX = "versions__";
export const VERSIONS_XYZ_PREFIX = "versions_xyz__";
export const POSTGRESQL_PREFIX = "postgresql__";
export const AGE_PREFIX = "age__";
export const RBAC_PREFIX = "rbac__";
/** The upgrade paths (movement.ts), a joint family (joint.ts). */
export const UPGRADES_PREFIX = "upgrades__";

export const versionsKey = (component: string, xy: string) =>
  `${VERSIONS_PREFIX}${component}__${xy}`;
export const versionsXyzKey = (component: string, version: string) =>
  `${VERSIONS_XYZ_PREFIX}${component}__${version}`;
export const postgresqlKey = (major: string) => `${POSTGRESQL_PREFIX}${major}`;
export const ageKey = (bucket: string) => `${AGE_PREFIX}${bucket}`;
export const rbacKey = (measure: RbacMeasure, bucket: string) =>
  `${RBAC_PREFIX}${measure}__${bucket}`;

/**
 * What a published series key may look like: the characters of component names and versions,
 * `__` separators, bounded length. The site checks this before any key reaches KV.
 */
const SERIES_KEY = /^[a-z][a-z0-9_]*__[0-9A-Za-z_.+!-]{1,200}$/;

/**
 * No published key is longer (the longest real one is under 60 characters); it also keeps every
 * SUMMARY key built from a series key far inside KV's 512-byte limit, so a long name is a 404,
 * never a KV error.
 */
const MAX_SERIES_KEY_LENGTH = 256;

export const isSeriesKey = (key: string): boolean =>
  key.length <= MAX_SERIES_KEY_LENGTH && SERIES_KEY.test(key) && !key.startsWith("_");
