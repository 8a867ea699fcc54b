/**
 * The page's model: what each chart, table and number of the public page shows, computed from
 * the page data and, for the long ranges, the weekly history. Pure, so it is tested in Node
 * (page/test/), and bundled with the UI into public/app.js by scripts/build-assets.mjs. The UI
 * only formats and places what these return. Import nothing here that pulls in runtime
 * libraries or touches the DOM.
 */

export { isoDay } from "@pulp-analytics/shared/config";
export { expectedDay } from "@pulp-analytics/shared/opendata";
export {
  ADOPTION_THRESHOLDS,
  ADOPTION_VERSIONS,
  adoptionSeries,
  atLeastShares,
  timeToShare,
} from "./adoption";
export { fitAxis, LABEL_GAP, longestLabel, translateX } from "./axis";
export { bands, TOP_VERSIONS, versionShareChart } from "./bands";
export { ageChart, RBAC_LABEL, rbacCharts } from "./buckets";
export {
  type ChartModel,
  deploymentChart,
  drawnPoints,
  installationsChart,
} from "./charts";
export { atLeast, canReport, denominator } from "./denominators";
export { type ChartKind, chartSummary, chartTable, seriesName } from "./describe";
export { CHANGE_DAYS, type Headline, headline } from "./headline";
export { ageShareChart, rbacShareCharts } from "./over-time";
export {
  CHART_COLORS,
  CHART_INLINE_STYLES,
  OTHER_COLOR,
  seriesColors,
  versionColors,
} from "./palette";
export {
  blockedByCore,
  countPlan,
  formatPlan,
  jointSeries,
  type Plan,
  parsePlan,
  planChart,
  planDays,
  planGroup,
  planRangeDays,
  planSummary,
  planText,
  planTrend,
  planYears,
  rangeFirstDay,
  togetherOn,
} from "./planner";
export {
  isSupportedPostgresql,
  MEANINGFUL_MAJOR_SHARE,
  POSTGRESQL_LATEST_SLICES,
  postgresqlLatestChart,
  postgresqlShareChart,
  SUPPORTED_POSTGRESQL,
  supportedPostgresqlLabel,
} from "./postgresql";
export {
  type ChartData,
  DEFAULT_RANGE,
  dailyChartData,
  isRangeId,
  isWeeklyRange,
  monthly,
  type RangeId,
  resolutionNote,
  weeklyChartData,
  yearsFor,
} from "./ranges";
export { buildIndex } from "./series";
export { percent, shares } from "./shares";
export { staleNotice } from "./stale";
export { count, daysText, escapeHtml, signed, signedPercent, splitDates } from "./text";
export {
  blockedStays,
  LEFT_BEHIND_AGES,
  LEFT_BEHIND_BANDS,
  latestDay,
  leftBehindOn,
  movementSince,
  onReleaseChart,
  pathName,
  pathsChart,
  releaseStays,
  stayText,
  UPGRADES_GROUPS,
  type UpgradePath,
  upgradePaths,
} from "./upgrades";
export {
  compareVersions,
  components,
  EXACT_MINOR_SHARE,
  type ExactGroup,
  type ExactVersion,
  exactTable,
  exactVersionGroups,
  exactVersions,
  versionKeys,
  xyOf,
} from "./versions";
