/**
 * Synthetic summarized history for the page: every published series (but the exact versions,
 * which the page needs on the latest day only) over `years` years for `installations`
 * installations on the latest day, shaped like Pulp's release calendar: core ships ~14 x.y a
 * year, 13 plugins 2–8 x.y a year each; every release is adopted over a few weeks and then
 * fades slowly, so old releases keep a long tail. Deterministic for a seed. Made for the page's
 * benchmark, the browser test and screenshots, which seed SUMMARY with `_page` and `h:<YYYY>`
 * directly (`seedEntries`): building years of history through ingest would take hours.
 */
import {
  ageKey,
  PAGE_KEY,
  type Point,
  postgresqlKey,
  processKey,
  rbacKey,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  versionsKey,
  versionsXyzKey,
} from "../shared/src/keys";
import { DAY_MS } from "../shared/src/names";
import { buildPageViews, type PageViews, weeklyKey } from "../shared/src/page-views";

/** Components: name, x.y releases a year, major version. Core first. */
export const CALENDAR: ReadonlyArray<{ name: string; perYear: number; major: number }> = [
  { name: "core", perYear: 14, major: 3 },
  { name: "file", perYear: 6, major: 1 },
  { name: "rpm", perYear: 8, major: 3 },
  { name: "container", perYear: 7, major: 2 },
  { name: "ansible", perYear: 5, major: 0 },
  { name: "python", perYear: 5, major: 3 },
  { name: "deb", perYear: 4, major: 2 },
  { name: "gem", perYear: 2, major: 0 },
  { name: "maven", perYear: 2, major: 0 },
  { name: "ostree", perYear: 3, major: 2 },
  { name: "certguard", perYear: 2, major: 1 },
  { name: "npm", perYear: 2, major: 0 },
  { name: "galaxy", perYear: 6, major: 4 },
  { name: "gitlab", perYear: 3, major: 1 },
];

/** Share of installations running each plugin. */
const USES = [1, 0.8, 0.55, 0.5, 0.35, 0.3, 0.15, 0.05, 0.05, 0.08, 0.2, 0.04, 0.12, 0.03];

const PG_MAJORS = ["9.6", "10", "11", "12", "13", "14", "15", "16", "17", "18", "unknown"];

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

/** `total` split into whole counts by `weights` (largest remainder); zeros are dropped later. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0 || total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r);
  for (const { i } of order) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}

/** Power-of-two buckets as the summarizer names them: 0, 1, 2, 3-4, 5-8, … 2049-4096. */
const BUCKETS = [
  "0",
  "1",
  "2",
  ...Array.from({ length: 11 }, (_, i) => `${2 ** (i + 1) + 1}-${2 ** (i + 2)}`),
];

export interface HistoryOptions {
  years: number;
  installations: number;
  /** The latest summarized day, 00:00 UTC (default: yesterday). */
  asOf?: number;
  seed?: number;
}

/** The whole daily history of every series the page shows, and the latest day's exact versions. */
export function pageHistory(options: HistoryOptions): Map<string, Point[]> {
  const next = random(options.seed ?? 7);
  const asOf = options.asOf ?? Math.floor(Date.now() / DAY_MS) * DAY_MS - DAY_MS;
  const days = Math.max(1, Math.round(options.years * 365));
  const first = asOf - (days - 1) * DAY_MS;
  const series = new Map<string, Point[]>();
  const add = (key: string, day: number, value: number) => {
    if (value <= 0) return;
    const points = series.get(key);
    if (points) points.push([day, value]);
    else series.set(key, [[day, value]]);
  };
  // Releases from two years before the first day, so the first day has a realistic mix.
  const lead = 730;
  const releases = CALENDAR.map(({ perYear, major }) => {
    const list: Array<{ xy: string; at: number }> = [];
    const span = days + lead;
    const count = Math.max(1, Math.round((span / 365) * perYear));
    for (let r = 0; r < count; r++) {
      const at = first - lead * DAY_MS + Math.round(((r + next() * 0.5) * span) / count) * DAY_MS;
      list.push({ xy: `${major}.${r}`, at });
    }
    return list;
  });
  for (let d = 0; d < days; d++) {
    const day = first + d * DAY_MS;
    const progress = days === 1 ? 1 : d / (days - 1);
    const total = Math.round(
      options.installations * (0.35 + 0.65 * progress) * (0.97 + 0.06 * next()),
    );
    const persistent = Math.round(total * 0.82);
    add(SYSTEMS_TOTAL, day, total);
    add(SYSTEMS_PERSISTENT, day, persistent);
    CALENDAR.forEach(({ name }, c) => {
      const users = Math.round(persistent * (USES[c] ?? 0.05));
      const out = (releases[c] ?? []).filter((r) => r.at <= day);
      const weights = out.map((r) => {
        const age = (day - r.at) / DAY_MS;
        return (1 - Math.exp(-age / 20)) * Math.exp(-age / 260) + 0.00008;
      });
      const counts = apportion(users, weights);
      out.forEach((r, i) => {
        add(versionsKey(name, r.xy), day, counts[i] ?? 0);
      });
      if (d === days - 1) {
        // Exact versions of the latest day: a patch every three weeks, most on the newest.
        out.forEach((r, i) => {
          const patches = 1 + Math.floor((day - r.at) / DAY_MS / 21);
          const shown = Math.min(patches, 8);
          const split = apportion(
            counts[i] ?? 0,
            Array.from({ length: shown }, (_, z) => 0.5 ** (shown - 1 - z)),
          );
          split.forEach((n, z) => {
            add(versionsXyzKey(name, `${r.xy}.${patches - shown + z}`), day, n);
          });
        });
      }
    });
    // PostgreSQL: majors move up over the years.
    const year = progress * options.years;
    const pg = PG_MAJORS.map((major, i) =>
      major === "unknown" ? 0.03 : Math.exp(-(((i - 2 - year * 0.8) / 1.8) ** 2)),
    );
    apportion(persistent, pg).forEach((n, i) => {
      add(postgresqlKey(PG_MAJORS[i] as string), day, n);
    });
    for (const kind of ["online_workers", "online_content_apps"] as const) {
      const base = kind === "online_workers" ? 3.2 : 2.1;
      add(
        processKey(kind, "processes", "mean"),
        day,
        Math.round((base + next() * 0.3) * 100) / 100,
      );
      add(processKey(kind, "hosts", "mean"), day, Math.round((1.4 + next() * 0.2) * 100) / 100);
    }
    // Age: days since first seen, up to the days the history covers; RBAC counts.
    const ages = BUCKETS.map((_, b) => (2 ** (b - 1) <= d + 1 ? 1 / (b + 1) : 0));
    apportion(total, ages).forEach((n, b) => {
      add(ageKey(BUCKETS[b] as string), day, n);
    });
    for (const measure of [
      "users",
      "groups",
      "domains",
      "custom_roles",
      "custom_access_policies",
    ] as const) {
      const spread = measure === "users" ? 9 : measure === "groups" ? 6 : 3;
      const buckets = Array.from({ length: spread }, (_, b) => 0.5 ** b);
      apportion(persistent, buckets).forEach((n, b) => {
        add(rbacKey(measure, BUCKETS[b] as string), day, n);
      });
    }
  }
  return series;
}

/** The page views of a synthetic history. */
export function pageViews(options: HistoryOptions): PageViews {
  return buildPageViews(pageHistory(options), Date.now());
}

/** SUMMARY entries for `wrangler kv bulk put`: `_page` and every `h:<YYYY>`. */
export function seedEntries(views: PageViews): Array<{ key: string; value: string }> {
  return [
    { key: PAGE_KEY, value: JSON.stringify(views.page) },
    ...views.weekly.map((w) => ({ key: weeklyKey(w.year), value: JSON.stringify(w) })),
  ];
}
