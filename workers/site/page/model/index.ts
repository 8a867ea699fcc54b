/**
 * The page's model: what each chart, table and number of the public page shows, computed from
 * the page data and, for the long ranges, the weekly history. Pure, so it is tested in Node
 * (page/test/), and bundled for the browser into public/chart-data.js by
 * scripts/build-assets.mjs. Import nothing here that pulls in runtime libraries or touches the
 * DOM.
 */

export { isoDay } from "@pulp-analytics/shared/config";
export { expectedDay, healthOf } from "@pulp-analytics/shared/opendata";
export {
  ADOPTION_THRESHOLDS,
  ADOPTION_VERSIONS,
  type AtLeastRow,
  adoptionSeries,
  atLeastShares,
  type TimeToShare,
  timeToShare,
} from "./adoption";
export { bands, TOP_VERSIONS, versionShareChart } from "./bands";
export { ageChart, bucketStart, RBAC_LABEL, rbacCharts } from "./buckets";
export {
  type ChartModel,
  type Dataset,
  deploymentChart,
  installationsChart,
} from "./charts";
export { CHANGE_DAYS, type Headline, headline } from "./headline";
export { CHART_COLORS, CHART_INLINE_STYLES, OTHER_COLOR } from "./palette";
export {
  isSupportedPostgresql,
  postgresqlLatestChart,
  postgresqlShareChart,
  SUPPORTED_POSTGRESQL,
  supportedPostgresqlLabel,
  TOP_MAJORS,
} from "./postgresql";
export {
  barStep,
  type ChartData,
  DEFAULT_RANGE,
  dailyChartData,
  isRangeId,
  isWeeklyRange,
  MAX_BARS,
  MAX_POINTS,
  monthly,
  RANGES,
  type RangeId,
  type Resolution,
  resolutionNote,
  weeklyChartData,
  yearsFor,
} from "./ranges";
export { percent, shares } from "./shares";
export { staleNotice } from "./stale";
export { escapeHtml } from "./text";
export {
  compareVersions,
  components,
  type ExactGroup,
  type ExactVersion,
  exactVersionGroups,
  exactVersions,
  versionKeys,
  xyOf,
} from "./versions";
