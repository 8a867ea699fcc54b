/**
 * History from before this service, as this service's daily points (docs/migration.md): the
 * records of a Django `manage.py dumpdata` of analytics.pulpproject.org's summary tables, or the
 * `{key: value}` dump of the 2022 worker's SUMMARY. Pure: the importer script streams the file
 * and feeds one record at a time; {@link DumpImport.takeYear} hands back whole days, one
 * calendar year at a time, for the store's `applyDays`.
 *
 * The rules are the summarizer's own (summary.ts): the same buckets, PostgreSQL majors, x.y
 * rule, mean rounding and allowlist, so an imported day reads like a day summarized here. What
 * Django kept is coarser than what we compute, so some series stay empty on imported days:
 * Django kept means only (no min or max), and no point is made up for them.
 */
import { RBAC_MEASURES, type RbacMeasure, versionXY } from "../checkin/schema";
import { DAY_MS } from "../config/names";
import { isoDay, parseIsoDay, startOfUtcDay } from "../config/time";
import type { DayPoints } from "../store/apply";
import { seriesRuleProblem, versionProblem } from "../store/check";
import {
  AGE_PREFIX,
  ageKey,
  isSeriesKey,
  POSTGRESQL_PREFIX,
  PROCESS_KINDS,
  PROCESS_MEASURES,
  type ProcessKind,
  type ProcessMeasure,
  postgresqlKey,
  processKey,
  RBAC_PREFIX,
  rbacKey,
  STATS,
  SYSTEMS_PERSISTENT,
  SYSTEMS_TOTAL,
  VERSIONS_PREFIX,
  VERSIONS_XYZ_PREFIX,
  versionsKey,
  versionsXyzKey,
} from "../summary/keys";
import { bucket, postgresqlMajor, roundMean } from "../summary/rule";

/** `django`: a JSON array of `{model, pk, fields}`; `worker`: an object `{seriesKey: points}`. */
export type DumpFormat = "django" | "worker";

/** The format of a dump from its first characters, or null when it is neither. */
export function detectDumpFormat(head: string): DumpFormat | null {
  const first = head.replace(/^\uFEFF/, "").trimStart()[0];
  if (first === "[") return "django";
  if (first === "{") return "worker";
  return null;
}

/** The Django models that hold summaries (pulpanalytics/models.py), as `dumpdata` names them. */
export const DJANGO_MODEL = {
  dailySummary: "pulpanalytics.dailysummary",
  deploymentStats: "pulpanalytics.deploymentstats",
  ageCount: "pulpanalytics.agecount",
  xyVersionCount: "pulpanalytics.xyversioncount",
  xyzVersionCount: "pulpanalytics.xyzversioncount",
  postgresVersionCount: "pulpanalytics.postgresversioncount",
  numberCount: "pulpanalytics.numbercount",
} as const;

/**
 * Django's persistence rule, fixed in its summarize command (`age >= 1 day`), whatever this
 * service's PERSISTENT_MIN_AGE_DAYS says: the imported counts were made with it.
 */
const DJANGO_PERSISTENT_MIN_AGE_DAYS = 1;

/** `deploymentstats` fields → the mean series they are. */
const DJANGO_MEANS: Record<string, [ProcessKind, ProcessMeasure]> = {
  online_worker_hosts_avg: ["online_workers", "hosts"],
  online_worker_processes_avg: ["online_workers", "processes"],
  online_content_app_hosts_avg: ["online_content_apps", "hosts"],
  online_content_app_processes_avg: ["online_content_apps", "processes"],
};

/** What an import read and left out, for the operator. */
export interface ImportTally {
  /** Top-level records (Django rows, or worker keys) read. */
  records: number;
  /** Rows used per Django model, or `series` keys used from a worker dump. */
  used: Record<string, number>;
  /**
   * Rows of models this import does not read, per model (`pulpanalytics.system`, …). A Map: the
   * names come from the file, and `__proto__` is a name like any other.
   */
  ignoredModels: Map<string, number>;
  /** Rows (or worker keys) of components off the allowlist: not published, not imported. */
  offAllowlist: number;
  /** Worker keys that are not one of our series; rows whose series key is not a valid one. */
  notOurs: number;
  /** Rows for a day without a `dailysummary` row (Django never published that day). */
  unsummarized: number;
  /** Records that are not what their model says, with the first few described. */
  malformed: number;
  problems: string[];
}

const MAX_PROBLEMS = 10;

/**
 * One day's points while the dump is read: each row adds to a series (several Django rows fall
 * into one bucket or major), or sets one (means, worker points). Kept as id/value pairs in typed
 * arrays, merged whenever they fill up, because five years hold millions of points and a Map per
 * day would cost several times the memory.
 */
class DayTotals {
  ids = new Int32Array(8);
  values = new Float64Array(8);
  length = 0;
  /** Set values (replace, not add), few a day. */
  exact: Map<number, number> | undefined;
  rows = 0;

  add(id: number, value: number): void {
    if (this.length === this.ids.length) {
      this.merge();
      if (this.length > this.ids.length / 2) this.grow();
    }
    this.ids[this.length] = id;
    this.values[this.length] = value;
    this.length++;
  }

  set(id: number, value: number): void {
    if (!this.exact) this.exact = new Map();
    this.exact.set(id, value);
  }

  /** Sum the pairs of equal id into one. */
  merge(): Map<number, number> {
    const sums = new Map<number, number>();
    for (let i = 0; i < this.length; i++) {
      const id = this.ids[i] as number;
      sums.set(id, (sums.get(id) ?? 0) + (this.values[i] as number));
    }
    this.length = 0;
    for (const [id, value] of sums) {
      this.ids[this.length] = id;
      this.values[this.length] = value;
      this.length++;
    }
    return sums;
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    const values = new Float64Array(this.values.length * 2);
    values.set(this.values);
    this.ids = ids;
    this.values = values;
  }
}

export interface ImportOptions {
  /** The summarizer's allowlist (`parseSummaryConfig(...).publishedComponents`). */
  publishedComponents: ReadonlySet<string>;
  /**
   * The target is production, whose ingest takes only plain releases `N.N.N`: an exact version
   * of another shape is refused there, as ingest refuses it. Every environment refuses a
   * version that is not canonical (`3.21.0+acmecorp`).
   */
  releasesOnly?: boolean;
  /** The clock: days after tomorrow are refused. Defaults to now. */
  now?: number;
}

/** Which of our series a key is, or null: the families of docs/contract.md#3-summaries-and-series-keys and nothing else. */
function seriesKind(key: string, published: ReadonlySet<string>): "count" | "stat" | "off" | null {
  if (!isSeriesKey(key)) return null;
  if (key === SYSTEMS_TOTAL || key === SYSTEMS_PERSISTENT) return "count";
  for (const kind of PROCESS_KINDS) {
    for (const measure of PROCESS_MEASURES) {
      for (const stat of STATS) if (key === processKey(kind, measure, stat)) return "stat";
    }
  }
  for (const prefix of [VERSIONS_XYZ_PREFIX, VERSIONS_PREFIX]) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const cut = rest.indexOf("__");
    if (cut <= 0) return null;
    const [component, version] = [rest.slice(0, cut), rest.slice(cut + 2)];
    if (prefix === VERSIONS_PREFIX && versionXY(version) !== version) return null;
    return published.has(component) ? "count" : "off";
  }
  if (key.startsWith(POSTGRESQL_PREFIX)) {
    const major = key.slice(POSTGRESQL_PREFIX.length);
    return /^(\d+|9\.\d|unknown)$/.test(major) ? "count" : null;
  }
  if (key.startsWith(AGE_PREFIX)) {
    return isBucket(key.slice(AGE_PREFIX.length)) ? "count" : null;
  }
  if (key.startsWith(RBAC_PREFIX)) {
    const rest = key.slice(RBAC_PREFIX.length);
    const cut = rest.lastIndexOf("__");
    const measure = rest.slice(0, cut) as RbacMeasure;
    return cut > 0 && RBAC_MEASURES.includes(measure) && isBucket(rest.slice(cut + 2))
      ? "count"
      : null;
  }
  return null;
}

/** A bucket name as {@link bucket} makes them (`0`, `1`, `2`, `3-4`, `5-8`, …). */
function isBucket(name: string): boolean {
  const lower = Number(name.split("-")[0]);
  return Number.isInteger(lower) && lower >= 0 && bucket(lower) === name;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The largest count, age or RBAC number an import takes: a hundred times more installations than
 * Pulp has ever had, far below where sums of them stop being exact integers. A dump with more
 * is not a history of Pulp (or not one this service can publish), and is refused.
 */
export const MAX_IMPORT_COUNT = 10_000_000;

/**
 * The most distinct series an import holds: 100,000. A five-year dump of 10,000 installations
 * has 1,692 (docs/benchmarks.md); the summarizer lets at most 20 new ones a group a night. Each
 * costs memory for its name on every day it has, so a dump naming more (made-up versions by
 * the million) is refused as a whole rather than read until memory runs out.
 */
export const MAX_IMPORT_SERIES = 100_000;

/** The first day an import takes: Pulp 3 and its analytics are much younger. */
const FIRST_IMPORT_DAY = Date.UTC(2000, 0, 1);

const isCount = (value: unknown): value is number =>
  typeof value === "number" &&
  Number.isSafeInteger(value) &&
  value >= 0 &&
  value <= MAX_IMPORT_COUNT;

/**
 * The history read so far, by day. Feed it every record with {@link addDjangoRecord} or
 * {@link addWorkerSeries}, then take the days year by year.
 */
export class DumpImport {
  readonly tally: ImportTally = {
    records: 0,
    used: {},
    ignoredModels: new Map(),
    offAllowlist: 0,
    notOurs: 0,
    unsummarized: 0,
    malformed: 0,
    problems: [],
  };
  /** Series keys interned: the same few thousand names recur on every day. */
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly days = new Map<number, DayTotals>();
  /** Days with a `dailysummary` row (Django); null for a worker dump, where every day counts. */
  private summarized: Set<number> | null = null;

  /** Days outside FIRST_IMPORT_DAY … tomorrow are refused: none of them can hold a summary. */
  private readonly lastDay: number;
  /** Primary keys seen, per model: a row twice would be counted twice. */
  private readonly seen = new Map<string, Set<unknown>>();

  constructor(private readonly options: ImportOptions) {
    this.lastDay = startOfUtcDay(options.now ?? Date.now()) + DAY_MS;
  }

  /** A `YYYY-MM-DD` of the importable range as 00:00 UTC, or what is wrong with it. */
  private dayOf(value: unknown, field: string): number | string {
    const day = typeof value === "string" ? parseIsoDay(value) : null;
    if (day === null) return `${field} is not a YYYY-MM-DD date`;
    return this.inRange(day)
      ? day
      : `${field} ${JSON.stringify(value)} is not a day from ${isoDay(FIRST_IMPORT_DAY)} to ${isoDay(this.lastDay)}`;
  }

  private inRange(day: number): boolean {
    return day >= FIRST_IMPORT_DAY && day <= this.lastDay;
  }

  /** Whether `pk` was seen before in `model` (and remembers it). */
  private duplicate(model: string, pk: unknown): boolean {
    let seen = this.seen.get(model);
    if (!seen) {
      seen = new Set();
      this.seen.set(model, seen);
    }
    if (seen.has(pk)) return true;
    seen.add(pk);
    return false;
  }

  /** One element of a Django dumpdata array. */
  addDjangoRecord(record: unknown): void {
    this.tally.records++;
    this.summarized ??= new Set();
    const problem = this.readDjangoRecord(record, this.summarized);
    if (problem) this.malformed(record, problem);
  }

  /**
   * One key of a 2022 worker dump. `value` is what the worker stored, a JSON array of
   * `[epochMillis, value]`, either parsed or as its JSON text, or `wrangler kv bulk get`'s
   * `{"value": <that text>}`.
   */
  addWorkerSeries(key: string, value: unknown): void {
    this.tally.records++;
    const problem = this.readWorkerSeries(key, value);
    if (problem) this.malformed({ key }, problem);
  }

  /** Reads one Django row into its day; what is wrong with it, if anything. */
  private readDjangoRecord(record: unknown, summarized: Set<number>): string | undefined {
    if (!isRecord(record) || typeof record.model !== "string" || !isRecord(record.fields)) {
      return "not a dumpdata record {model, pk, fields}";
    }
    const model = record.model.toLowerCase();
    const fields = record.fields;
    const ours = (Object.values(DJANGO_MODEL) as string[]).includes(model);
    if (ours) {
      if (typeof record.pk !== "string" && !Number.isSafeInteger(record.pk)) {
        return "pk is not a date or a whole number";
      }
      if (this.duplicate(model, record.pk)) {
        return `a second row of ${model} with pk ${JSON.stringify(record.pk)}: refused, not counted twice`;
      }
    }
    switch (model) {
      case DJANGO_MODEL.dailySummary: {
        const day = this.dayOf(record.pk, "pk");
        if (typeof day === "string") return day;
        summarized.add(day);
        this.used(model);
        return;
      }
      case DJANGO_MODEL.deploymentStats: {
        // Its primary key is the one-to-one link to the day's summary.
        const day = this.dayOf(record.pk, "pk");
        if (typeof day === "string") return day;
        const means = Object.entries(DJANGO_MEANS);
        const bad = means.find(([field]) => {
          const value = fields[field];
          return (
            value != null &&
            (typeof value !== "number" || !(value >= 0 && value <= MAX_IMPORT_COUNT))
          );
        });
        if (bad) return `${bad[0]} is not a number from 0 to ${MAX_IMPORT_COUNT} or null`;
        const totals = this.day(day);
        for (const [field, [kind, measure]] of means) {
          const value = fields[field];
          // Null: no persistent system reported it that day, so there is no mean to publish.
          if (typeof value === "number") {
            totals.set(this.id(processKey(kind, measure, "mean")), roundMean(value));
          }
        }
        this.used(model);
        return;
      }
      case DJANGO_MODEL.ageCount: {
        const { age } = fields;
        if (!isCount(age)) return `age is not a whole number from 0 to ${MAX_IMPORT_COUNT}`;
        const row = this.countRow(fields);
        if (typeof row === "string") return row;
        row.totals.add(this.id(SYSTEMS_TOTAL), row.count);
        if (age >= DJANGO_PERSISTENT_MIN_AGE_DAYS) {
          row.totals.add(this.id(SYSTEMS_PERSISTENT), row.count);
        }
        row.totals.add(this.id(ageKey(bucket(age))), row.count);
        this.used(model);
        return;
      }
      case DJANGO_MODEL.xyVersionCount:
      case DJANGO_MODEL.xyzVersionCount: {
        const { name, version } = fields;
        if (typeof name !== "string" || typeof version !== "string") {
          return "name or version is not a string";
        }
        const row = this.countRow(fields);
        if (typeof row === "string") return row;
        if (!this.options.publishedComponents.has(name)) {
          this.tally.offAllowlist++;
          return;
        }
        // What ingest would refuse never becomes a series (and an x.y row is never a release).
        const refused = versionProblem(
          version,
          model === DJANGO_MODEL.xyzVersionCount && this.options.releasesOnly === true,
        );
        if (refused) return refused;
        const key =
          model === DJANGO_MODEL.xyVersionCount
            ? versionsKey(name, versionXY(version))
            : versionsXyzKey(name, version);
        this.addCount(model, row, key);
        return;
      }
      case DJANGO_MODEL.postgresVersionCount: {
        const { version } = fields;
        if (!isCount(version)) return `version is not a whole number from 0 to ${MAX_IMPORT_COUNT}`;
        const row = this.countRow(fields);
        if (typeof row === "string") return row;
        this.addCount(model, row, postgresqlKey(postgresqlMajor(version)));
        return;
      }
      case DJANGO_MODEL.numberCount: {
        const measure = fields.name as RbacMeasure;
        if (!RBAC_MEASURES.includes(measure)) return "name is not an RBAC measure";
        if (!isCount(fields.number)) {
          return `number is not a whole number from 0 to ${MAX_IMPORT_COUNT}`;
        }
        const row = this.countRow(fields);
        if (typeof row === "string") return row;
        this.addCount(model, row, rbacKey(measure, bucket(fields.number)));
        return;
      }
      default:
        this.tally.ignoredModels.set(model, (this.tally.ignoredModels.get(model) ?? 0) + 1);
    }
  }

  /** Reads one worker series into its days; what is wrong with it, if anything. */
  private readWorkerSeries(key: string, value: unknown): string | undefined {
    const kind = seriesKind(key, this.options.publishedComponents);
    if (kind === "off") {
      this.tally.offAllowlist++;
      return;
    }
    if (kind === null) {
      this.tally.notOurs++;
      return;
    }
    const refused = seriesRuleProblem(key, {
      publishedComponents: this.options.publishedComponents,
      releasesOnly: this.options.releasesOnly === true,
    });
    if (refused) return refused;
    let points = isRecord(value) && "value" in value ? value.value : value;
    if (typeof points === "string") {
      try {
        points = JSON.parse(points);
      } catch {
        return "value is not JSON";
      }
    }
    if (!Array.isArray(points)) return "value is not an array of points";
    const bad = points.find(
      (p) =>
        !Array.isArray(p) ||
        typeof p[0] !== "number" ||
        typeof p[1] !== "number" ||
        !Number.isFinite(p[0] + p[1]),
    );
    if (bad !== undefined) return `a point is not [epochMillis, number]: ${JSON.stringify(bad)}`;
    const typed = points as [number, number][];
    const outside = typed.find(([at]) => !this.inRange(startOfUtcDay(at)));
    if (outside) {
      return `a point's day is not from ${isoDay(FIRST_IMPORT_DAY)} to ${isoDay(this.lastDay)}: ${JSON.stringify(outside)}`;
    }
    const wrong = typed.find(([, v]) =>
      kind === "count" ? !isCount(v) : !(v >= 0 && v <= MAX_IMPORT_COUNT),
    );
    if (wrong) {
      return `a point's value is not ${kind === "count" ? "a whole number" : "a number"} from 0 to ${MAX_IMPORT_COUNT}: ${JSON.stringify(wrong)}`;
    }
    if (this.duplicate("series", key)) return `a second series ${key}: refused, not counted twice`;
    const id = this.id(key);
    for (const [at, v] of typed) {
      // A count of 0 is the absence of a point (docs/contract.md#3-summaries-and-series-keys); a mean or minimum of 0 is real.
      if (kind === "count" && v === 0) continue;
      this.day(startOfUtcDay(at)).set(id, v);
    }
    this.used("series");
  }

  /** Calendar years with rows, ascending (a year may turn out to have no day to write). */
  years(): number[] {
    const years = new Set<number>();
    for (const day of this.days.keys()) years.add(new Date(day).getUTCFullYear());
    return [...years].sort((a, b) => a - b);
  }

  /**
   * The days of `year` with their points, oldest first, and forgets them (an import holds one
   * year of maps at a time). Days Django never summarized are dropped here and counted.
   */
  takeYear(year: number): DayPoints[] {
    const taken: DayPoints[] = [];
    for (const [day, totals] of this.days) {
      if (new Date(day).getUTCFullYear() !== year) continue;
      this.days.delete(day);
      if (!this.isSummarized(day)) {
        this.tally.unsummarized += totals.rows;
        continue;
      }
      const points = new Map<string, number>();
      for (const [id, value] of totals.merge()) {
        if (value !== 0) points.set(this.names[id] as string, value);
      }
      for (const [id, value] of totals.exact ?? []) points.set(this.names[id] as string, value);
      if (points.size > 0) taken.push({ day, points });
    }
    return taken.sort((a, b) => a.day - b.day);
  }

  private isSummarized(day: number): boolean {
    return this.summarized === null || this.summarized.has(day);
  }

  private id(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      if (this.names.length >= MAX_IMPORT_SERIES) {
        throw new Error(
          `the dump names more than ${MAX_IMPORT_SERIES.toLocaleString("en")} series (Pulp's history has a few thousand); not importing it`,
        );
      }
      id = this.names.length;
      this.names.push(key);
      this.ids.set(key, id);
    }
    return id;
  }

  private day(day: number): DayTotals {
    let totals = this.days.get(day);
    if (!totals) {
      totals = new DayTotals();
      this.days.set(day, totals);
    }
    totals.rows++;
    return totals;
  }

  /** The day and count of a `{summary, …, count}` row, or what is wrong with them. */
  private countRow(fields: Record<string, unknown>): { totals: DayTotals; count: number } | string {
    const day = this.dayOf(fields.summary, "summary");
    if (typeof day === "string") return day;
    if (!isCount(fields.count)) return `count is not a whole number from 0 to ${MAX_IMPORT_COUNT}`;
    return { totals: this.day(day), count: fields.count };
  }

  private addCount(model: string, row: { totals: DayTotals; count: number }, key: string): void {
    // Versions are canonical by now; a key that still cannot be a series key is dropped.
    if (!isSeriesKey(key)) {
      this.tally.notOurs++;
      return;
    }
    row.totals.add(this.id(key), row.count);
    this.used(model);
  }

  private used(what: string): void {
    this.tally.used[what] = (this.tally.used[what] ?? 0) + 1;
  }

  private malformed(record: unknown, why: string): void {
    this.tally.malformed++;
    if (this.tally.problems.length < MAX_PROBLEMS) {
      this.tally.problems.push(`${why}: ${JSON.stringify(record).slice(0, 200)}`);
    }
  }
}
