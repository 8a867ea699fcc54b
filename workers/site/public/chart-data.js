// Generated from shared/src/site-charts.ts by scripts/build-assets.mjs.

// shared/src/keys.ts
var SYSTEMS_TOTAL = "systems__total";
var SYSTEMS_PERSISTENT = "systems__persistent";
var PROCESS_KINDS = ["online_workers", "online_content_apps"];
var PROCESS_MEASURES = ["processes", "hosts"];
var processKey = (kind, measure, stat) => `${kind}__${measure}__${stat}`;
var VERSIONS_PREFIX = "versions__";
var VERSIONS_XYZ_PREFIX = "versions_xyz__";
var POSTGRESQL_PREFIX = "postgresql__";
var AGE_PREFIX = "age__";
var RBAC_PREFIX = "rbac__";

// shared/src/names.ts
var DAY_MS = 864e5;
var RAW_TTL_SECONDS = 60 * 24 * 60 * 60;
var MAX_BODY_BYTES = 64 * 1024;

// shared/src/time.ts
function isoDay(epochMs) {
  return new Date(epochMs).toISOString().slice(0, 10);
}

// shared/src/site-charts.ts
var CHART_COLORS = [
  "#2b6cb0",
  "#dd6b20",
  "#2f855a",
  "#805ad5",
  "#c53030",
  "#0987a0",
  "#b7791f",
  "#d53f8c"
];
var OTHER_COLOR = "#a0aec0";
var CHART_INLINE_STYLES = [
  "display: block;",
  ...[...CHART_COLORS, OTHER_COLOR].map((color) => `fill: ${color}`)
];
var RANGES = { "30d": 30, "90d": 90, "1y": 365, all: null };
var DEFAULT_RANGE = "90d";
var isRangeId = (value) => Object.hasOwn(RANGES, value);
var MAX_POINTS = 120;
function chartDays(page, range) {
  if (page.asOf === null) return [];
  let first = page.asOf;
  for (const points of Object.values(page.series)) {
    const start = points[0]?.[0];
    if (start !== void 0 && start < first) first = start;
  }
  const span = RANGES[range];
  if (span !== null) first = Math.max(first, page.asOf - (span - 1) * DAY_MS);
  const count = Math.round((page.asOf - first) / DAY_MS) + 1;
  const step = Math.ceil(count / MAX_POINTS);
  const days = [];
  for (let day = page.asOf; day >= first; day -= step * DAY_MS) days.push(day);
  return days.reverse();
}
function valuesOn(points, days) {
  const byDay = new Map(points ?? []);
  return days.map((day) => byDay.get(day) ?? 0);
}
var latest = (page, key) => page.asOf === null ? 0 : new Map(page.series[key] ?? []).get(page.asOf) ?? 0;
var labelsOf = (days) => days.map(isoDay);
function installationsChart(page, days) {
  return {
    labels: labelsOf(days),
    datasets: [
      { name: "All", values: valuesOn(page.series[SYSTEMS_TOTAL], days) },
      { name: "Persistent", values: valuesOn(page.series[SYSTEMS_PERSISTENT], days) }
    ],
    keys: [SYSTEMS_TOTAL, SYSTEMS_PERSISTENT]
  };
}
var KIND_LABEL = {
  online_workers: "Workers",
  online_content_apps: "Content apps"
};
var MEASURE_LABEL = { processes: "processes", hosts: "hosts" };
function deploymentChart(page, days) {
  const keys = PROCESS_KINDS.flatMap(
    (kind) => PROCESS_MEASURES.map((measure) => ({ kind, measure, key: processKey(kind, measure, "mean") }))
  );
  return {
    labels: labelsOf(days),
    datasets: keys.map(({ kind, measure, key }) => ({
      name: `${KIND_LABEL[kind]} (${MEASURE_LABEL[measure]})`,
      values: valuesOn(page.series[key], days)
    })),
    keys: keys.map(({ key }) => key)
  };
}
function compareVersions(a, b) {
  const pa = a.split(/[^0-9A-Za-z]+/);
  const pb = b.split(/[^0-9A-Za-z]+/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}
function splitKey(key, prefix) {
  if (!key.startsWith(prefix)) return null;
  const rest = key.slice(prefix.length);
  const cut = rest.indexOf("__");
  return cut > 0 ? [rest.slice(0, cut), rest.slice(cut + 2)] : null;
}
function components(page) {
  const totals = /* @__PURE__ */ new Map();
  for (const key of Object.keys(page.series)) {
    const parts = splitKey(key, VERSIONS_PREFIX);
    if (parts) totals.set(parts[0], (totals.get(parts[0]) ?? 0) + latest(page, key));
  }
  return [...totals.keys()].sort(
    (a, b) => Number(b === "core") - Number(a === "core") || (totals.get(b) ?? 0) - (totals.get(a) ?? 0) || (a < b ? -1 : 1)
  );
}
var percent = (part, whole) => whole > 0 ? Math.round(part / whole * 1e3) / 10 : 0;
function shareChart(page, days, members, top) {
  const ranked = [...members].sort((a, b) => latest(page, b.key) - latest(page, a.key));
  const shown = ranked.slice(0, top).sort((a, b) => compareVersions(a.label, b.label));
  const rest = ranked.slice(top);
  const values = new Map(members.map((m) => [m.key, valuesOn(page.series[m.key], days)]));
  const totals = days.map(
    (_, i) => members.reduce((sum, m) => sum + (values.get(m.key)?.[i] ?? 0), 0)
  );
  const share = (keys) => totals.map(
    (total, i) => percent(
      keys.reduce((sum, key) => sum + (values.get(key)?.[i] ?? 0), 0),
      total
    )
  );
  const datasets = shown.map((m) => ({ name: m.label, values: share([m.key]) }));
  if (rest.length > 0) datasets.unshift({ name: "Other", values: share(rest.map((m) => m.key)) });
  return {
    labels: labelsOf(days),
    datasets,
    keys: [...members].sort((a, b) => compareVersions(a.label, b.label)).map((m) => m.key)
  };
}
var TOP_VERSIONS = 6;
function versionShareChart(page, component, days) {
  const members = Object.keys(page.series).flatMap((key) => {
    const parts = splitKey(key, VERSIONS_PREFIX);
    return parts && parts[0] === component ? [{ label: parts[1], key }] : [];
  });
  return shareChart(page, days, members, TOP_VERSIONS);
}
function exactVersions(page, component) {
  const rows = Object.entries(page.latestXyz).flatMap(([key, installations]) => {
    const parts = splitKey(key, VERSIONS_XYZ_PREFIX);
    return parts && parts[0] === component ? [{ version: parts[1], installations, key }] : [];
  });
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  return rows.map((row) => ({ ...row, share: percent(row.installations, total) })).sort((a, b) => compareVersions(b.version, a.version));
}
function family(page, prefix) {
  return Object.keys(page.series).filter((key) => key.startsWith(prefix)).map((key) => ({ label: key.slice(prefix.length), key }));
}
var byMajor = (a, b) => Number(a.label === "unknown") - Number(b.label === "unknown") || compareVersions(a.label, b.label);
function postgresqlLatestChart(page) {
  const majors = family(page, POSTGRESQL_PREFIX).filter((m) => latest(page, m.key) > 0).sort(byMajor);
  const total = majors.reduce((sum, m) => sum + latest(page, m.key), 0);
  return {
    labels: majors.map((m) => m.label),
    datasets: [
      { name: "Share (%)", values: majors.map((m) => percent(latest(page, m.key), total)) }
    ],
    keys: majors.map((m) => m.key)
  };
}
function postgresqlShareChart(page, days) {
  const majors = family(page, POSTGRESQL_PREFIX).sort(byMajor);
  const chart = shareChart(page, days, majors, majors.length);
  chart.datasets.sort((a, b) => byMajor({ label: a.name }, { label: b.name }));
  return chart;
}
var bucketStart = (bucket) => Number.parseInt(bucket, 10);
function ageChart(page) {
  const buckets = family(page, AGE_PREFIX).sort(
    (a, b) => bucketStart(a.label) - bucketStart(b.label)
  );
  return {
    labels: buckets.map((b) => b.label),
    datasets: [{ name: "Installations", values: buckets.map((b) => latest(page, b.key)) }],
    keys: buckets.map((b) => b.key)
  };
}
var RBAC_LABEL = {
  users: "Users",
  groups: "Groups",
  domains: "Domains",
  custom_roles: "Custom roles",
  custom_access_policies: "Customized access policies"
};
function rbacCharts(page) {
  return Object.keys(RBAC_LABEL).flatMap((measure) => {
    const buckets = family(page, `${RBAC_PREFIX}${measure}__`).sort(
      (a, b) => bucketStart(a.label) - bucketStart(b.label)
    );
    if (buckets.length === 0) return [];
    const chart = {
      labels: buckets.map((b) => b.label),
      datasets: [{ name: RBAC_LABEL[measure], values: buckets.map((b) => latest(page, b.key)) }],
      keys: buckets.map((b) => b.key)
    };
    return [{ measure, chart }];
  });
}
function escapeHtml(text) {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c
  );
}
export {
  CHART_COLORS,
  CHART_INLINE_STYLES,
  DEFAULT_RANGE,
  MAX_POINTS,
  OTHER_COLOR,
  RANGES,
  RBAC_LABEL,
  TOP_VERSIONS,
  ageChart,
  bucketStart,
  chartDays,
  compareVersions,
  components,
  deploymentChart,
  escapeHtml,
  exactVersions,
  installationsChart,
  isRangeId,
  isoDay,
  postgresqlLatestChart,
  postgresqlShareChart,
  rbacCharts,
  versionShareChart
};
