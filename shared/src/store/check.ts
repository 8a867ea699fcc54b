/**
 * Whether a set of keys and values is a SUMMARY this store could have written: what a restore
 * checks before it writes anything (docs/operations.md#restore). A backup's checksum proves the
 * file is the one that was written; this proves that what it holds is a SUMMARY, and nothing
 * else that a reader of SUMMARY (the site, the next summary run) would then trust.
 *
 * Each value must be exactly the bytes the store writes for its key: a chunk, weekly history or
 * key list is parsed by the store's own codec and written back, and must come out the same; the
 * page must be the one the store builds from those very chunks. `_journal` is refused: it would
 * make the next run write whatever it holds.
 *
 * Every series named must also follow the rules live check-ins follow ({@link seriesRuleProblem}):
 * a component on the allowlist of the summarizer that publishes the namespace, and a version ingest
 * would have accepted. The store would write a chunk of `versions__inhouse` just as faithfully;
 * the summarizer never would, and neither may a restore or an import.
 */
import { COMPONENT_VERSION, preReleaseComponents } from "../checkin";
import { LIMITS } from "../checkin/schema";
import { parseChunk, parseJson, parseKeys, serializeChunk, serializeKeys } from "./codec";
import type { SummaryKV } from "./kv";
import {
  CHUNK_PREFIX,
  groupOf,
  isViewGroup,
  isXyzGroup,
  JOURNAL_KEY,
  KEYS_PREFIX,
  PAGE_KEY,
  parseChunkKey,
  WEEKLY_PREFIX,
  yearOfKey,
} from "./layout";
import { buildPage } from "./views";

/** At most this many problems are named; one is enough to refuse. */
const MAX_PROBLEMS = 10;

/** The rules of the namespace's live check-ins that decide which series may exist in it. */
export interface LiveRules {
  /** The summarizer's `PUBLISHED_COMPONENTS` (`parseSummaryConfig(...).publishedComponents`). */
  publishedComponents: ReadonlySet<string>;
  /** Production: ingest takes only plain releases `N.N.N` (docs/contract.md, "Version strings"). */
  releasesOnly: boolean;
}

/** One numeric part of a canonical version, as checkin/schema.ts has it. */
const PART = "(?:0|[1-9][0-9]{0,5})";
/** An x.y as the summarizer derives it from a canonical version, or its `unknown`. */
const XY = new RegExp(`^(?:${PART}\\.${PART}|unknown)$`);

/**
 * What is wrong with `version` as ingest would see it, or null: canonical (checkin/schema.ts, at
 * most 32 characters) and, where `releasesOnly`, a plain release.
 */
export function versionProblem(version: string, releasesOnly: boolean): string | null {
  if (version.length > LIMITS.maxVersionLength || !COMPONENT_VERSION.test(version)) {
    return `version ${JSON.stringify(version)} is not canonical (ingest refuses it)`;
  }
  if (releasesOnly && preReleaseComponents({ components: [{ name: "", version }] }).length > 0) {
    return `version ${JSON.stringify(version)} is not a release N.N.N (production's ingest refuses it)`;
  }
  return null;
}

/**
 * What is wrong with a series name under the live rules, or null: every component it names on
 * the allowlist, every exact version canonical (and a release where `releasesOnly`), every x.y
 * one the summarizer derives. Names without a component (systems, ages, PostgreSQL, RBAC,
 * processes) pass; the layout and codec checks cover their shape.
 */
export function seriesRuleProblem(name: string, rules: LiveRules): string | null {
  const parts = name.split("__");
  const [family] = parts;
  const off = (component: string | undefined) =>
    component === undefined || !rules.publishedComponents.has(component)
      ? `component ${JSON.stringify(component ?? "")} is not on the published list`
      : null;
  const xy = (value: string | undefined) =>
    value !== undefined && XY.test(value) ? null : `${JSON.stringify(value ?? "")} is not an x.y`;
  switch (family) {
    case "versions_xyz":
      return (
        off(parts[1]) ??
        (parts.length === 3
          ? versionProblem(parts[2] as string, rules.releasesOnly)
          : "not a series")
      );
    case "versions":
      return off(parts[1]) ?? (parts.length === 3 ? xy(parts[2]) : "not a series");
    case "installed":
      return parts.length === 2 ? off(parts[1]) : "not a series";
    case "together":
      return parts.length === 3 ? (off(parts[1]) ?? off(parts[2])) : "not a series";
    case "plugin_core":
      return parts.length === 4
        ? (off(parts[1]) ?? xy(parts[2]) ?? (parts[3] === "other" ? null : xy(parts[3])))
        : "not a series";
    case "core_postgresql":
      return off("core") ?? (parts.length === 3 ? xy(parts[1]) : "not a series");
    default:
      return null;
  }
}

/**
 * What is wrong with `entries` as a whole SUMMARY of a namespace with `rules`, or an empty list
 * when nothing is.
 */
export async function summaryProblems(
  entries: ReadonlyMap<string, string>,
  rules: LiveRules,
): Promise<string[]> {
  const problems: string[] = [];
  for (const [key, value] of entries) {
    if (key === PAGE_KEY) continue;
    const problem = valueProblem(key, value, rules);
    if (problem) problems.push(`${key}: ${problem}`);
    if (problems.length >= MAX_PROBLEMS) return problems;
  }
  const page = entries.get(PAGE_KEY);
  if (page !== undefined && problems.length === 0) {
    const problem = await pageProblem(entries, page);
    if (problem) problems.push(`${PAGE_KEY}: ${problem}`);
  }
  return problems;
}

/** The first series of `names` the live rules refuse, described. */
function ruleProblem(names: Iterable<string>, rules: LiveRules): string | null {
  for (const name of names) {
    const problem = seriesRuleProblem(name, rules);
    if (problem) return `holds ${JSON.stringify(name)}: ${problem}`;
  }
  return null;
}

function valueProblem(key: string, value: string, rules: LiveRules): string | null {
  if (key === JOURNAL_KEY) {
    return "a run's unfinished writes; the next run would write whatever it holds";
  }
  const chunk = parseChunkKey(key);
  if (chunk) {
    const series = parseChunk(value);
    const foreign = [...series.keys()].find((name) => groupOf(name) !== chunk.group);
    if (foreign) return `holds ${foreign}, which is not of group ${chunk.group}`;
    return (
      ruleProblem(series.keys(), rules) ??
      sameBytes(value, serializeChunk(chunk.year, series), "a year of series")
    );
  }
  const weekly = yearOfKey(WEEKLY_PREFIX, key);
  if (weekly !== null) {
    const series = parseChunk(value);
    const unviewed = [...series.keys()].find((name) => {
      const group = groupOf(name);
      return isXyzGroup(group) || !isViewGroup(group);
    });
    if (unviewed)
      return `holds ${unviewed}; exact versions and joint series have no weekly history`;
    return (
      ruleProblem(series.keys(), rules) ??
      sameBytes(value, serializeChunk(weekly, series), "a year of weekly history")
    );
  }
  const keys = yearOfKey(KEYS_PREFIX, key);
  if (keys !== null) {
    const names = new Set(parseKeys(value));
    return (
      ruleProblem(names, rules) ?? sameBytes(value, serializeKeys(keys, names), "a year's key list")
    );
  }
  return `not a key of SUMMARY's layout (${CHUNK_PREFIX}<group>:<YYYY>, ${WEEKLY_PREFIX}<YYYY>, ${KEYS_PREFIX}<YYYY>, ${PAGE_KEY})`;
}

function sameBytes(value: string, canonical: string | null, what: string): string | null {
  return value === canonical ? null : `not ${what} as the store writes it`;
}

/** The page must be what the store builds from the other entries, at the time it names. */
async function pageProblem(
  entries: ReadonlyMap<string, string>,
  text: string,
): Promise<string | null> {
  const stored = parseJson(text) as { generatedAt?: unknown } | null;
  const at = stored?.generatedAt;
  if (typeof at !== "number" || !Number.isSafeInteger(at)) return "not the page the store writes";
  const known = new Map<string, string | null>(entries);
  const nothingElse: SummaryKV = {
    list: async () => [],
    getMany: async () => new Map(),
    put: async () => undefined,
    delete: async () => undefined,
  };
  const built = await buildPage(nothingElse, new Set(entries.keys()), known, at);
  return JSON.stringify(built) === text
    ? null
    : "not the page of these chunks (the store rebuilds it from them)";
}
