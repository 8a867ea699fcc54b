/**
 * The summarization rule (docs/contract.md#3-summaries-and-series-keys): what one UTC day D of check-ins becomes, as the value of
 * each SUMMARY series on D. Pure: no KV, no clock. The summarizer worker feeds it the systems it
 * found in RAW; the store (shared/src/store/apply.ts) merges its output into the stored series.
 *
 * - Population of D: systems that checked in on D (RAW records each system's check-in days within
 *   its 60-day retention, so a system that checked in again since still counts for D); each
 *   counts with its latest facts.
 * - Age: whole UTC days from the day first seen to D.
 * - Persistent: age >= the configured minimum (production 1, dev 0).
 * - Count series get a point only when the count is > 0 (the contract lets them skip zero days),
 *   so a day adds no key for a version nobody runs any more.
 * - Stat series (mean/min/max/p50/p90) get a point only when at least one persistent system
 *   reported the measure; there 0 is a real value. Percentiles are exact over those systems,
 *   interpolated linearly between the closest ranks (numpy's default; p50 is the median).
 * - Movement series (movement.ts): upgrade paths of D (established installations, small-cell
 *   rule, counted with the joint cells), days on the current x.y, its median per x.y and core's
 *   left-behind counts, over the persistent installations whose movement RAW knows.
 */
import { type Facts, RBAC_MEASURES, rbacValue, versionXY } from "../checkin/schema";
import { DAY_MS } from "../config/names";
import {
  ESTABLISHED_MIN_AGE_DAYS,
  ESTABLISHED_MIN_CHECK_IN_DAYS,
  SMALL_CELL_K,
} from "../config/privacy";
import { startOfUtcDay } from "../config/time";
import { jointCells, publishJoint } from "./joint";
import {
  ageKey,
  isSeriesKey,
  PROCESS_KINDS,
  PROCESS_MEASURES,
  type ProcessKind,
  postgresqlKey,
  processKey,
  rbacKey,
  type Stat,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  versionsKey,
  versionsXyzKey,
} from "./keys";
import {
  type ComponentMovement,
  movementCells,
  ON_RELEASE_MEDIAN_PREFIX,
  publishMovement,
} from "./movement";
import { distributionStats, roundMean } from "./stats";

export { roundMean };

/** Pulp's public plugins: what is published when the deployment does not say otherwise. */
export const DEFAULT_PUBLISHED_COMPONENTS = [
  "core",
  "file",
  "certguard",
  "rpm",
  "container",
  "ansible",
  "deb",
  "python",
  "gem",
  "maven",
  "ostree",
  "cookbook",
  "npm",
  "galaxy",
] as const;

/** Production's rule when the variable is unset: a system must have been seen on an earlier day. */
export const DEFAULT_PERSISTENT_MIN_AGE_DAYS = 1;

const UNKNOWN = "unknown";

/** Who is established on a day (config/privacy.ts). */
export interface EstablishedRule {
  minAgeDays: number;
  minCheckInDays: number;
}

export interface SummaryConfig {
  persistentMinAgeDays: number;
  publishedComponents: ReadonlySet<string>;
  /** Absent: every persistent installation counts as established (tests of the other rules). */
  established?: EstablishedRule;
}

/** One installation as RAW knows it. */
export interface SystemRecord {
  /** Epoch ms. */
  firstSeen: number;
  /** Epoch ms. */
  lastCheckIn: number;
  /**
   * 00:00 UTC of every day it checked in on within RAW's retention, ascending; absent: only the
   * day of `lastCheckIn` is known (entries written before ingest recorded the days).
   */
  days?: readonly number[];
  facts: Facts;
  /**
   * Per published component, since when its x.y is reported and the x.y before (RAW's movement,
   * docs/architecture.md "Ingest"); a component not in it has none known. Absent when RAW has
   * none for the system (version 1 metadata, a value read). The movement series count it.
   */
  movement?: ReadonlyMap<string, ComponentMovement>;
}

export interface DaySummary {
  /** 00:00 UTC of D. */
  day: number;
  systems: number;
  persistent: number;
  /** Series key → value on D; a key absent here has no point on D. */
  points: Map<string, number>;
  /**
   * Count series key (versions, PostgreSQL, RBAC) → the established installations among its
   * count, 0 included: what ranks, and admits, a series SUMMARY does not have yet
   * (store/apply.ts, `capNewSeries`).
   */
  established: Map<string, number>;
}

/**
 * The configuration from the worker's variables. Unset means the safe default; a value that is
 * set but malformed is an error, so a typo in a deployment is noticed instead of guessed around.
 */
export function parseSummaryConfig(vars: {
  persistentMinAgeDays?: string | undefined;
  publishedComponents?: string | undefined;
  establishedMinAgeDays?: string | undefined;
  establishedMinCheckInDays?: string | undefined;
}): SummaryConfig {
  const whole = (name: string, value: string | undefined, unset: number) => {
    const text = value?.trim();
    if (text === undefined || text === "") return unset;
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number`);
    return Number(text);
  };
  const persistentMinAgeDays = whole(
    "PERSISTENT_MIN_AGE_DAYS",
    vars.persistentMinAgeDays,
    DEFAULT_PERSISTENT_MIN_AGE_DAYS,
  );
  const established = {
    minAgeDays: whole(
      "ESTABLISHED_MIN_AGE_DAYS",
      vars.establishedMinAgeDays,
      ESTABLISHED_MIN_AGE_DAYS,
    ),
    minCheckInDays: whole(
      "ESTABLISHED_MIN_CHECK_IN_DAYS",
      vars.establishedMinCheckInDays,
      ESTABLISHED_MIN_CHECK_IN_DAYS,
    ),
  };
  const names =
    vars.publishedComponents === undefined
      ? DEFAULT_PUBLISHED_COMPONENTS
      : vars.publishedComponents.split(",").map((name) => name.trim());
  return {
    persistentMinAgeDays,
    publishedComponents: new Set(names.filter((name) => name !== "")),
    established,
  };
}

/**
 * Whether `system` is established on `day`: first seen at least `minAgeDays` before it, and
 * checked in on at least `minCheckInDays` of the `minAgeDays` days up to it (at least D itself).
 * Only days up to D count, so a rerun of D later decides as the first run did.
 */
export function isEstablished(
  day: number,
  system: SystemRecord,
  rule: EstablishedRule | undefined,
): boolean {
  if (!rule) return true;
  if (ageDays(day, system.firstSeen) < rule.minAgeDays) return false;
  const from = day - (Math.max(rule.minAgeDays, 1) - 1) * DAY_MS;
  let days = 0;
  for (const d of checkInDaysOf(system)) if (d >= from && d <= day) days++;
  return days >= rule.minCheckInDays;
}

/** The days a system is known to have checked in on. */
export function checkInDaysOf(system: SystemRecord): readonly number[] {
  return system.days ?? [startOfUtcDay(system.lastCheckIn)];
}

function isInPopulation(day: number, system: SystemRecord): boolean {
  return checkInDaysOf(system).includes(day);
}

/** Whole UTC days between the day first seen and D (calendar days, not 24-hour periods). */
export function ageDays(day: number, firstSeen: number): number {
  // First seen after D cannot happen for a system whose last check-in is on D; clamp anyway so
  // a damaged entry lands in the youngest bucket instead of inventing a negative one.
  return Math.max(0, Math.round((day - startOfUtcDay(firstSeen)) / DAY_MS));
}

/**
 * libpq's server_version integer to the major release: from 10 on the major is one number
 * (`150004` → `15`), before it two (`90624` → `9.6`). Absent or 0 means the server did not say.
 */
export function postgresqlMajor(serverVersion: number | null): string {
  if (serverVersion === null || serverVersion <= 0) return UNKNOWN;
  if (serverVersion >= 100_000) return String(Math.floor(serverVersion / 10_000));
  return `${Math.floor(serverVersion / 10_000)}.${Math.floor(serverVersion / 100) % 100}`;
}

/** `0`, `1`, `2`, `3-4`, `5-8`, `9-16`, …: each upper bound a power of two. */
export function bucket(count: number): string {
  if (count <= 2) return String(Math.max(0, count));
  let upper = 4;
  while (upper < count) upper *= 2;
  return `${upper / 2 + 1}-${upper}`;
}

/** What a persistent system adds to any day it belongs to, whatever its age. */
export interface SystemKeys {
  /** Count series it adds one to: versions, PostgreSQL major, RBAC buckets. */
  counted: string[];
  /** Process measures it reported: the measure's mean key → its value. */
  measured: Array<[string, number]>;
  /** Raw cells of the joint series (joint.ts), published only through the small-cell rule. */
  joint: string[];
  /** Published components → their x.y, what the movement series (movement.ts) read. */
  current: Array<[string, string]>;
}

export function systemKeys(facts: Facts, config: SummaryConfig): SystemKeys {
  const counted: string[] = [];
  const measured: Array<[string, number]> = [];
  for (const kind of PROCESS_KINDS) {
    const counts = processCounts(facts, kind);
    if (!counts) continue;
    for (const measure of PROCESS_MEASURES) {
      measured.push([processKey(kind, measure, "mean"), counts[measure]]);
    }
  }
  const current: Array<[string, string]> = [];
  for (const component of facts.components) {
    if (!config.publishedComponents.has(component.name)) continue;
    const xy = versionXY(component.version);
    current.push([component.name, xy]);
    counted.push(versionsKey(component.name, xy));
    counted.push(versionsXyzKey(component.name, component.version));
  }
  const major = postgresqlMajor(facts.postgresqlVersion);
  counted.push(postgresqlKey(major));
  if (facts.rbacStats) {
    for (const measure of RBAC_MEASURES) {
      counted.push(rbacKey(measure, bucket(rbacValue(facts.rbacStats, measure))));
    }
  }
  const joint = jointCells(facts, config.publishedComponents, versionXY, major);
  return { counted, measured, joint, current };
}

const AGE_KEYS: string[] = [];
/** `age__<bucket>` of an age in days, built once per age. */
function ageKeyOf(age: number): string {
  AGE_KEYS[age] ??= ageKey(bucket(age));
  return AGE_KEYS[age] as string;
}

/**
 * What a {@link DaySummarizer} has counted so far, as plain data: every part is a sum, so the
 * partial sums of disjoint slices of RAW add up exactly to the sums of all of it
 * ({@link DaySummarizer.absorb}). The nightly run carries these between its invocations.
 */
export interface DayPartial {
  day: number;
  total: number;
  persistent: number;
  /** Count series key → systems. */
  counts: Array<[string, number]>;
  /** Raw joint cell → systems (established ones only). */
  joint: Array<[string, number]>;
  /** Count series key → established systems. */
  established: Array<[string, number]>;
  /** Measure key → [value, systems with it]. */
  stats: Array<[string, Array<[number, number]>]>;
  /**
   * `on_release_median__<component>__<x.y>` → [days on that x.y, systems]: every movement series
   * but the upgrades (counted in `joint`) follows from it (movement.ts). Absent from sums a run
   * kept before the deploy that added it: that night's converging run counts the day again.
   */
  onRelease?: Array<[string, Array<[number, number]>]>;
}

/**
 * Day D's summary built one system at a time, so a run holds running counts and never the
 * population (100,000 systems' facts would not fit a Worker's memory beside everything else).
 */
export class DaySummarizer {
  private readonly counts = new Map<string, number>();
  private readonly joint = new Map<string, number>();
  private readonly established = new Map<string, number>();
  // Running stats, not value lists: a count of systems per value (process counts take few
  // distinct values), from which the mean, extremes and exact percentiles all follow.
  private readonly stats = new Map<string, Map<number, number>>();
  // Movement (movement.ts): systems per days on the x.y, per component and x.y: one value per
  // distinct `since` of an x.y (at most one a day since RAW recorded movement), counted in
  // size() like the others; counts of them stay plain sums, so the median is exact.
  private readonly onRelease = new Map<string, Map<number, number>>();
  private total = 0;
  private persistent = 0;

  constructor(
    readonly day: number,
    private readonly config: SummaryConfig,
  ) {}

  /**
   * Counts `system` if it belongs to D. `keys` are its day-independent keys when the caller
   * already has them (a run that fills several days computes them once per system).
   */
  add(system: SystemRecord, keys: SystemKeys = systemKeys(system.facts, this.config)): void {
    if (!isInPopulation(this.day, system)) return;
    this.total++;
    const age = ageDays(this.day, system.firstSeen);
    this.increment(ageKeyOf(age));
    if (age < this.config.persistentMinAgeDays) return;
    this.persistent++;
    for (const key of keys.counted) this.increment(key);
    // The joint series and new series' admission count established installations only: what
    // a stranger cannot make by posting for a day or two (config/privacy.ts).
    const established = isEstablished(this.day, system, this.config.established) ? 1 : 0;
    if (established) {
      for (const key of keys.joint) this.joint.set(key, (this.joint.get(key) ?? 0) + 1);
    }
    // Every count series a system can name (versions, PostgreSQL, RBAC) gets an entry, 0 when
    // none of its systems is established; ages and stats have names nobody can invent.
    for (const key of keys.counted) {
      this.established.set(key, (this.established.get(key) ?? 0) + established);
    }
    for (const [key, value] of keys.measured) addValue(this.stats, key, value, 1);
    if (system.movement) {
      const cells = movementCells(this.day, keys.current, system.movement);
      if (established) {
        for (const key of cells.upgrades) this.joint.set(key, (this.joint.get(key) ?? 0) + 1);
      }
      for (const [key, days] of cells.days) addValue(this.onRelease, key, days, 1);
    }
  }

  /** How many sums it holds (what its memory follows): one per key, cell and measure value. */
  size(): number {
    let values = 0;
    for (const counts of this.stats.values()) values += counts.size;
    for (const counts of this.onRelease.values()) values += counts.size;
    return this.counts.size + this.joint.size + this.established.size + values;
  }

  /** The sums so far, for another summarizer of the same day to {@link absorb}. */
  partial(): DayPartial {
    return {
      day: this.day,
      total: this.total,
      persistent: this.persistent,
      counts: [...this.counts],
      joint: [...this.joint],
      established: [...this.established],
      stats: [...this.stats].map(([key, values]) => [key, [...values]]),
      onRelease: [...this.onRelease].map(([key, values]) => [key, [...values]]),
    };
  }

  /** Adds another slice's sums of the same day: the result is as if its systems were added here. */
  absorb(partial: DayPartial): void {
    if (partial.day !== this.day) throw new Error(`partial sums of another day`);
    this.total += partial.total;
    this.persistent += partial.persistent;
    for (const [key, n] of partial.counts) this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    for (const [key, n] of partial.joint) this.joint.set(key, (this.joint.get(key) ?? 0) + n);
    for (const [key, n] of partial.established) {
      this.established.set(key, (this.established.get(key) ?? 0) + n);
    }
    for (const [key, values] of partial.stats) {
      for (const [value, n] of values) addValue(this.stats, key, value, n);
    }
    for (const [key, values] of partial.onRelease ?? []) {
      for (const [value, n] of values) addValue(this.onRelease, key, value, n);
    }
  }

  result(): DaySummary {
    const points = new Map(this.counts);
    for (const kind of PROCESS_KINDS) {
      for (const measure of PROCESS_MEASURES) {
        const values = this.stats.get(processKey(kind, measure, "mean"));
        if (!values) continue;
        for (const [stat, value] of Object.entries(distributionStats(values))) {
          points.set(processKey(kind, measure, stat as Stat), value);
        }
      }
    }
    for (const [key, value] of publishJoint(this.joint, SMALL_CELL_K)) points.set(key, value);
    const movement = publishMovement(this.onRelease, SMALL_CELL_K);
    for (const [key, value] of movement) points.set(key, value);
    if (this.total > 0) points.set(SYSTEMS_TOTAL, this.total);
    if (this.persistent > 0) points.set(SYSTEMS_PERSISTENT, this.persistent);

    // The site refuses keys outside SERIES_KEY; a version string that cannot be one is dropped
    // here rather than written where nobody can read it.
    for (const key of points.keys()) if (!isSeriesKey(key)) points.delete(key);
    const established = new Map([...this.established].filter(([key]) => points.has(key)));
    // A median names an x.y as a version series does: it is admitted as that series would be,
    // by the established installations running it (store/apply.ts, `capNewSeries`).
    for (const key of movement.keys()) {
      if (!key.startsWith(ON_RELEASE_MEDIAN_PREFIX) || !points.has(key)) continue;
      const rest = key.slice(ON_RELEASE_MEDIAN_PREFIX.length);
      const cut = rest.lastIndexOf("__");
      const versions = versionsKey(rest.slice(0, cut), rest.slice(cut + 2));
      established.set(key, this.established.get(versions) ?? 0);
    }
    return {
      day: this.day,
      systems: this.total,
      persistent: this.persistent,
      points,
      established,
    };
  }

  private increment(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

export function summarizeDay(
  day: number,
  systems: Iterable<SystemRecord>,
  config: SummaryConfig,
): DaySummary {
  const summarizer = new DaySummarizer(day, config);
  for (const system of systems) summarizer.add(system);
  return summarizer.result();
}

/** Adds `n` systems with `value` to the distribution `key` of `sums`. */
function addValue(
  sums: Map<string, Map<number, number>>,
  key: string,
  value: number,
  n: number,
): void {
  const values = sums.get(key) ?? new Map<number, number>();
  sums.set(key, values);
  values.set(value, (values.get(value) ?? 0) + n);
}

function processCounts(facts: Facts, kind: ProcessKind) {
  return kind === "online_workers" ? facts.onlineWorkers : facts.onlineContentApps;
}
