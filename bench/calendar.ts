/**
 * Years of Pulp as the summaries saw them, without simulating one installation: a release
 * calendar (core at a new x.y about every four weeks with a few patch releases each, thirteen
 * published plugins at 10–40 x.y per five years, two in-house plugins the allowlist keeps out),
 * adoption that rises after a release and decays as newer ones come, PostgreSQL majors moving
 * from 9.6/12 to 16/17, RBAC and deployment sizes, a population that grows, and ages.
 *
 * Each day's counts are computed from these distributions (weights, then whole counts by
 * cumulative rounding, so they add up exactly), deterministically from the seed and the day: a
 * day costs the same at 1,000 or 100,000 installations, and ten years of days take seconds.
 *
 * Two views of the same day: {@link ReleaseCalendar.djangoDay}, the rows Django's summary tables
 * would hold (exact ages, versions, server versions and RBAC numbers, every component, means
 * only), for bench/django-dump.ts; and {@link ReleaseCalendar.dayPoints}, the series our
 * summarizer would publish that day (contract §3, allowlisted, with min and max), for seeding
 * SUMMARY. They agree: importing the first gives the second less the min and max series.
 */
import { RBAC_MEASURES, type RbacMeasure } from "@pulp-analytics/shared/checkin";
import { DAY_MS } from "@pulp-analytics/shared/config";
import { DJANGO_MODEL } from "@pulp-analytics/shared/history";
import {
  ageKey,
  bucket,
  DEFAULT_PERSISTENT_MIN_AGE_DAYS,
  DEFAULT_PUBLISHED_COMPONENTS,
  PROCESS_KINDS,
  PROCESS_MEASURES,
  type ProcessKind,
  type ProcessMeasure,
  postgresqlKey,
  postgresqlMajor,
  processKey,
  rbacKey,
  roundMean,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  versionsKey,
  versionsXyzKey,
} from "@pulp-analytics/shared/summary";

export interface CalendarOptions {
  years: number;
  /** Installations checking in on the last day; fewer before (the population grows). */
  installations: number;
  /** 00:00 UTC of the last day. */
  lastDay: number;
  seed?: number;
}

/** The rows of Django's summary tables for one day (notes/migration.md). */
export interface DjangoDay {
  day: number;
  /** [exact age in days, systems]: every system of the day. */
  ages: [number, number][];
  /** `deploymentstats`: means over persistent systems, null when none reported. */
  means: Record<DjangoMeanField, number | null>;
  /** [component, x.y, systems], every component (no allowlist). */
  xy: [string, string, number][];
  /** [component, version, systems]. */
  xyz: [string, string, number][];
  /** [server_version integer (0: unknown), systems]. */
  postgres: [number, number][];
  /** [RBAC measure, exact number, systems]. */
  numbers: [RbacMeasure, number, number][];
}

const DJANGO_MEAN_FIELDS = {
  online_worker_processes_avg: ["online_workers", "processes"],
  online_worker_hosts_avg: ["online_workers", "hosts"],
  online_content_app_processes_avg: ["online_content_apps", "processes"],
  online_content_app_hosts_avg: ["online_content_apps", "hosts"],
} as const satisfies Record<string, [ProcessKind, ProcessMeasure]>;
type DjangoMeanField = keyof typeof DJANGO_MEAN_FIELDS;

/** A hash of integers to [0, 1): the calendar's only source of chance. */
function noise(...values: number[]): number {
  let h = 0x811c9dc5;
  for (const value of values) {
    h = Math.imul(h ^ (value | 0), 0x01000193);
    h = Math.imul(h ^ Math.floor(value / 4294967296), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return (h >>> 0) / 4294967296;
}

/**
 * `total` split in proportion to `weights`, in whole numbers that add up to `total`: each share
 * is the step of the rounded running sum, so no rounding error accumulates.
 */
function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = new Array<number>(weights.length).fill(0);
  if (sum <= 0 || total <= 0) return counts;
  let running = 0;
  let previous = 0;
  for (let i = 0; i < weights.length; i++) {
    running += (weights[i] as number) / sum;
    const upTo = Math.round(running * total);
    counts[i] = upTo - previous;
    previous = upTo;
  }
  return counts;
}

interface Release {
  /** x.y */
  xy: string;
  day: number;
  /** Patch releases: day of x.y.z, z = index. */
  patches: number[];
  /** Relative popularity: long-lived releases are kept longer. */
  weight: number;
  decayDays: number;
  /** Keys made once: building strings per day would cost more than the counting. */
  xyKey: string;
  xyzKeys: string[];
}

interface Component {
  name: string;
  /** Share of installations running it (core: all). */
  share: number;
  releases: Release[];
  published: boolean;
}

/** [name, x.y releases per five years, first major, first minor, share of installations]. */
const PLUGINS: [string, number, number, number, number][] = [
  ["file", 25, 1, 10, 0.7],
  ["certguard", 10, 1, 5, 0.25],
  ["rpm", 40, 3, 17, 0.45],
  ["container", 35, 2, 10, 0.4],
  ["ansible", 30, 0, 13, 0.25],
  ["deb", 20, 2, 18, 0.12],
  ["python", 25, 3, 6, 0.2],
  ["gem", 12, 0, 1, 0.04],
  ["maven", 10, 0, 3, 0.03],
  ["ostree", 15, 2, 0, 0.05],
  ["cookbook", 10, 0, 1, 0.02],
  ["npm", 10, 0, 1, 0.02],
  ["galaxy", 30, 4, 5, 0.06],
  // In-house plugins: in Django's tables, never published.
  ["acme_internal", 10, 1, 0, 0.03],
  ["pulp_site_sync", 5, 0, 4, 0.01],
];
const CORE_RELEASES_PER_FIVE_YEARS = 70;
/** Releases before the first day, so that day already has a spread of old versions. */
const RELEASES_BEFORE = 10;

/** RBAC numbers: [largest number, share of reporters at 0, power-law exponent above 0]. */
const RBAC_SHAPE: Record<RbacMeasure, [number, number, number]> = {
  users: [3000, 0.05, 1.5],
  groups: [200, 0.45, 1.8],
  domains: [50, 0.9, 2.2],
  custom_access_policies: [30, 0.85, 2],
  custom_roles: [100, 0.6, 1.8],
};

const YEAR_DAYS = 365.25;

export class ReleaseCalendar {
  readonly firstDay: number;
  readonly lastDay: number;
  private readonly seed: number;
  private readonly installations: number;
  private readonly components: Component[];

  constructor(options: CalendarOptions) {
    this.lastDay = options.lastDay;
    this.firstDay = options.lastDay - (Math.round(options.years * YEAR_DAYS) - 1) * DAY_MS;
    this.seed = options.seed ?? 1;
    this.installations = options.installations;
    const published = new Set<string>(DEFAULT_PUBLISHED_COMPONENTS);
    const span = this.lastDay - this.firstDay;
    const core: Component = {
      name: "core",
      share: 1,
      published: true,
      // About 3.84 on the last day, whatever the number of years.
      releases: this.releases(
        0,
        "core",
        3,
        Math.max(
          0,
          84 -
            RELEASES_BEFORE -
            Math.round((CORE_RELEASES_PER_FIVE_YEARS * span) / (5 * YEAR_DAYS * DAY_MS)),
        ),
        CORE_RELEASES_PER_FIVE_YEARS,
      ),
    };
    this.components = [
      core,
      ...PLUGINS.map(([name, perFive, major, minor, share], i) => ({
        name,
        share,
        published: published.has(name),
        releases: this.releases(i + 1, name, major, minor, perFive),
      })),
    ];
  }

  /** Every day of the calendar, oldest first. */
  days(): number[] {
    const days: number[] = [];
    for (let day = this.firstDay; day <= this.lastDay; day += DAY_MS) days.push(day);
    return days;
  }

  /**
   * A day Django did not summarize (an outage longer than its 14 days of raw check-ins): about
   * one day in two hundred has no summary at all.
   */
  isGap(day: number): boolean {
    return noise(this.seed, day / DAY_MS, 7) < 0.005;
  }

  /** The rows of Django's tables for `day`, or null on a gap day. */
  djangoDay(day: number): DjangoDay | null {
    if (this.isGap(day)) return null;
    const t = this.progress(day);
    const d = day / DAY_MS;
    const total = Math.round(
      this.installations * (0.25 + 0.75 * t) * (0.9 + 0.08 * noise(this.seed, d, 1)),
    );

    // Ages: a few percent new today (CI systems and new installations), the rest spread
    // exponentially back to the first day of the service.
    const maxAge = Math.round((day - this.firstDay) / DAY_MS) + 400;
    const ageWeights = new Array<number>(maxAge + 1);
    ageWeights[0] = 0.04 / 0.96;
    let tail = 0;
    for (let age = 1; age <= maxAge; age++) tail += Math.exp(-age / 420);
    for (let age = 1; age <= maxAge; age++) ageWeights[age] = Math.exp(-age / 420) / tail;
    const ageCounts = allocate(total, ageWeights);
    const ages: [number, number][] = [];
    let persistent = 0;
    ageCounts.forEach((count, age) => {
      if (count === 0) return;
      ages.push([age, count]);
      if (age >= DEFAULT_PERSISTENT_MIN_AGE_DAYS) persistent += count;
    });

    const xy: [string, string, number][] = [];
    const xyz: [string, string, number][] = [];
    for (const [c, component] of this.components.entries()) {
      const running = Math.round(persistent * component.share * (c === 0 ? 1 : 0.85 + 0.3 * t));
      const alive = component.releases.filter((r) => r.day <= day);
      const counts = allocate(
        running,
        alive.map((r) => adoption(r, day) * (0.9 + 0.2 * noise(this.seed, d, c, r.day / DAY_MS))),
      );
      alive.forEach((release, i) => {
        const count = counts[i] as number;
        if (count === 0) return;
        xy.push([component.name, release.xy, count]);
        const patches = release.patches.filter((p) => p <= day);
        const patchCounts = allocate(
          count,
          patches.map((p, z) => (1 - Math.exp(-(day - p) / DAY_MS / 7 - 0.05)) * (1 + z) ** 2),
        );
        patchCounts.forEach((n, z) => {
          if (n > 0) xyz.push([component.name, `${release.xy}.${z}`, n]);
        });
      });
    }

    const postgres = this.postgres(day, persistent);
    const reporters = Math.round(persistent * (0.4 + 0.45 * t));
    const numbers: [RbacMeasure, number, number][] = [];
    for (const measure of RBAC_MEASURES) {
      const [largest, zero, exponent] = RBAC_SHAPE[measure];
      const weights = [zero];
      let above = 0;
      for (let n = 1; n <= largest; n++) above += (n + 1) ** -exponent;
      for (let n = 1; n <= largest; n++) weights.push(((1 - zero) * (n + 1) ** -exponent) / above);
      allocate(reporters, weights).forEach((count, n) => {
        if (count > 0) numbers.push([measure, n, count]);
      });
    }

    const wiggle = (salt: number) => 0.95 + 0.1 * noise(this.seed, d, salt);
    // Older pulpcore did not report content apps: no mean for the first weeks.
    const contentApps = day - this.firstDay >= 45 * DAY_MS;
    const raw = (value: number) => (persistent > 0 ? value : null);
    const means: Record<DjangoMeanField, number | null> = {
      online_worker_processes_avg: raw((3.2 + 2 * t) * wiggle(11)),
      online_worker_hosts_avg: raw((1.3 + 0.4 * t) * wiggle(12)),
      online_content_app_processes_avg: contentApps ? raw((2.4 + 0.8 * t) * wiggle(13)) : null,
      online_content_app_hosts_avg: contentApps ? raw((1.2 + 0.3 * t) * wiggle(14)) : null,
    };
    return { day, ages, means, xy, xyz, postgres, numbers };
  }

  /** The series our summarizer would publish for `day` (empty on a gap day). */
  dayPoints(day: number): Map<string, number> {
    const points = new Map<string, number>();
    const rows = this.djangoDay(day);
    if (!rows) return points;
    const add = (key: string, n: number) => points.set(key, (points.get(key) ?? 0) + n);
    let total = 0;
    let persistent = 0;
    for (const [age, n] of rows.ages) {
      total += n;
      if (age >= DEFAULT_PERSISTENT_MIN_AGE_DAYS) persistent += n;
      add(ageKey(bucket(age)), n);
    }
    if (total > 0) points.set(SYSTEMS_TOTAL, total);
    if (persistent > 0) points.set(SYSTEMS_PERSISTENT, persistent);
    const keys = this.keysOf();
    for (const [name, xy, n] of rows.xy) {
      const key = keys.xy.get(name)?.get(xy);
      if (key) add(key, n);
    }
    for (const [name, version, n] of rows.xyz) {
      const key = keys.xyz.get(name)?.get(version);
      if (key) add(key, n);
    }
    for (const [version, n] of rows.postgres) add(postgresqlKey(postgresqlMajor(version)), n);
    for (const [measure, number, n] of rows.numbers) add(rbacKey(measure, bucket(number)), n);

    const d = day / DAY_MS;
    for (const [field, [kind, measure]] of Object.entries(DJANGO_MEAN_FIELDS)) {
      const mean = rows.means[field as DjangoMeanField];
      if (mean === null) continue;
      points.set(processKey(kind, measure, "mean"), roundMean(mean));
      // What Django never kept: the smallest and largest deployment of the day.
      const salt = PROCESS_KINDS.indexOf(kind) * 2 + PROCESS_MEASURES.indexOf(measure);
      const largest = measure === "processes" ? 16 + Math.round(this.progress(day) * 100) : 4;
      points.set(processKey(kind, measure, "min"), noise(this.seed, d, 20 + salt) < 0.3 ? 0 : 1);
      points.set(
        processKey(kind, measure, "max"),
        largest + Math.floor(noise(this.seed, d, 30 + salt) * 8),
      );
    }
    return points;
  }

  private cachedKeys:
    | { xy: Map<string, Map<string, string>>; xyz: Map<string, Map<string, string>> }
    | undefined;

  /** Published series keys by component and version, made once. */
  private keysOf() {
    if (!this.cachedKeys) {
      const xy = new Map<string, Map<string, string>>();
      const xyz = new Map<string, Map<string, string>>();
      for (const component of this.components) {
        if (!component.published) continue;
        xy.set(component.name, new Map(component.releases.map((r) => [r.xy, r.xyKey])));
        xyz.set(
          component.name,
          new Map(
            component.releases.flatMap((r) =>
              r.patches.map((_, z) => [`${r.xy}.${z}`, r.xyzKeys[z] as string]),
            ),
          ),
        );
      }
      this.cachedKeys = { xy, xyz };
    }
    return this.cachedKeys;
  }

  /** 0 on the first day, 1 on the last. */
  private progress(day: number): number {
    return this.lastDay === this.firstDay
      ? 1
      : (day - this.firstDay) / (this.lastDay - this.firstDay);
  }

  /**
   * One component's x.y releases: evenly spread with some jitter, starting before the first
   * day; every sixth is long-lived (kept by more installations, for longer).
   */
  private releases(
    salt: number,
    name: string,
    major: number,
    firstMinor: number,
    perFiveYears: number,
  ): Release[] {
    const interval = (5 * YEAR_DAYS * DAY_MS) / perFiveYears;
    const releases: Release[] = [];
    for (let i = -RELEASES_BEFORE; ; i++) {
      const jitter = (noise(this.seed, salt, i, 3) - 0.5) * 0.4 * interval;
      const day = Math.floor((this.firstDay + i * interval + jitter) / DAY_MS) * DAY_MS;
      if (day > this.lastDay) break;
      const minor = firstMinor + i + RELEASES_BEFORE;
      const xy = `${major}.${minor}`;
      const longLived = minor % 6 === 0;
      const patchCount = 1 + Math.floor(noise(this.seed, salt, i, 4) * 4);
      const patches = Array.from({ length: patchCount }, (_, z) => day + z * 12 * DAY_MS);
      releases.push({
        xy,
        day,
        patches,
        weight: longLived ? 2.5 : 1,
        decayDays: longLived ? 420 : 150,
        xyKey: versionsKey(name, xy),
        xyzKeys: patches.map((_, z) => versionsXyzKey(name, `${xy}.${z}`)),
      });
    }
    return releases;
  }

  /**
   * Systems per PostgreSQL server version: a major is taken up over the year after its release
   * (distributions lag) and kept for years; within a major, the newest quarterly minors.
   */
  private postgres(day: number, persistent: number): [number, number][] {
    const year = new Date(day).getUTCFullYear();
    const majors: { major: number; released: number; weight: number }[] = [
      // 9.6 and 12 were what the enterprise distributions of 2021 shipped.
      { major: 9.6, released: Date.UTC(2016, 8, 29), weight: 3 },
    ];
    for (let major = 10; major <= 10 + (year - 2017); major++) {
      const released = Date.UTC(2017 + (major - 10), 8, 28);
      if (released <= day) majors.push({ major, released, weight: major === 12 ? 2.5 : 1 });
    }
    const weights = majors.map(({ released, weight }) => {
      const age = (day - released) / DAY_MS;
      return weight * (1 - Math.exp(-age / 300)) * Math.exp(-age / (5 * YEAR_DAYS));
    });
    const unknown = Math.round(persistent * 0.03);
    const counts = allocate(persistent - unknown, weights);
    const rows: [number, number][] = unknown > 0 ? [[0, unknown]] : [];
    majors.forEach(({ major, released }, i) => {
      const count = counts[i] as number;
      const newest = Math.min(25, Math.floor((day - released) / DAY_MS / 91));
      const minors = [newest, newest - 1, newest - 2].filter((m) => m >= 0);
      allocate(count, [0.6, 0.3, 0.1].slice(0, minors.length)).forEach((n, j) => {
        const minor = minors[j] as number;
        const server = major < 10 ? 90600 + minor : major * 10_000 + minor;
        if (n > 0) rows.push([server, n]);
      });
    });
    return rows;
  }
}

/** How much a release is wanted `day`: rising over weeks after its release, then decaying. */
function adoption(release: Release, day: number): number {
  const age = (day - release.day) / DAY_MS;
  const rise = 1 - Math.exp(-(age + 1) / 20);
  return (
    release.weight * rise * (Math.exp(-age / release.decayDays) + 0.02 * Math.exp(-age / 1000))
  );
}

type DjangoModel = (typeof DJANGO_MODEL)[keyof typeof DJANGO_MODEL];

/** The order of `manage.py dumpdata` in notes/migration.md, which dumps model after model. */
export const DJANGO_DUMP_ORDER: DjangoModel[] = [
  DJANGO_MODEL.dailySummary,
  DJANGO_MODEL.deploymentStats,
  DJANGO_MODEL.ageCount,
  DJANGO_MODEL.xyVersionCount,
  DJANGO_MODEL.xyzVersionCount,
  DJANGO_MODEL.postgresVersionCount,
  DJANGO_MODEL.numberCount,
];

export interface DjangoRecord {
  model: DjangoModel;
  /** The date for the two models keyed by day; null where Django numbers rows itself. */
  pk: string | null;
  fields: Record<string, string | number | null>;
}

/** One model's rows of one day as `dumpdata` writes them. */
export function djangoRecords(rows: DjangoDay, model: DjangoModel): DjangoRecord[] {
  const summary = new Date(rows.day).toISOString().slice(0, 10);
  const counted = (fields: Record<string, string | number>): DjangoRecord => ({
    model,
    pk: null,
    fields: { summary, ...fields },
  });
  switch (model) {
    case DJANGO_MODEL.dailySummary:
      return [{ model, pk: summary, fields: {} }];
    case DJANGO_MODEL.deploymentStats:
      return [{ model, pk: summary, fields: { ...rows.means } }];
    case DJANGO_MODEL.ageCount:
      return rows.ages.map(([age, count]) => counted({ age, count }));
    case DJANGO_MODEL.xyVersionCount:
      return rows.xy.map(([name, version, count]) => counted({ name, version, count }));
    case DJANGO_MODEL.xyzVersionCount:
      return rows.xyz.map(([name, version, count]) => counted({ name, version, count }));
    case DJANGO_MODEL.postgresVersionCount:
      return rows.postgres.map(([version, count]) => counted({ version, count }));
    case DJANGO_MODEL.numberCount:
      return rows.numbers.map(([name, number, count]) => counted({ name, number, count }));
  }
}
