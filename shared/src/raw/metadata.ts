/**
 * The compact RAW metadata codec. Every RAW key (one installation) carries in its metadata what
 * the summarizer needs, so a summary reads `list()` pages and never the values. Field letters:
 *
 * | key | meaning |
 * |---|---|
 * | `v` | codec version ({@link META_VERSION}) |
 * | `f` | first seen, epoch ms (carried forward across check-ins) |
 * | `l` | last check-in, epoch ms |
 * | `c` | published components as `[name, version]` pairs (only those the summarizer may publish) |
 * | `d` | UTC days with a check-in, as days before the day of `l`: ascending, distinct, 0..59, 0 first (absent: only the day of `l`) |
 * | `w` | online workers `[processes, hosts]` (absent: not reported) |
 * | `a` | online content apps `[processes, hosts]` (absent: not reported) |
 * | `p` | PostgreSQL server_version (absent: not reported; 0: reported as unknown) |
 * | `r` | RBAC `[users, groups, domains, custom_access_policies, custom_roles]` (absent: not reported) |
 * | `x` | overflow: the facts did not fit in 1024 bytes; read the value, which is `p`rotobuf or `j`son |
 *
 * An entry has either the facts (`c`, and `w a p r` where reported) or `x`, never both. Since
 * `c` carries published components only and versions are canonical (≤ 32 characters), the
 * facts of the default published list always fit, with every optional fact and a full `d`
 * (metadata.test.ts proves the worst case; scripts/test/config.test.ts checks each deployed
 * list). `x` is written only if an operator publishes more components than fit; entries written
 * before, with `x: "j"` too, still parse.
 */
import { z } from "zod";
import { type Facts, LIMITS } from "../checkin/schema";
import { DAY_MS, MAX_METADATA_BYTES } from "../config/names";
import { startOfUtcDay } from "../config/time";

export const META_VERSION = 1;

const pair = z.tuple([z.number(), z.number()]);

const RawMetaSchema = z.object({
  v: z.literal(META_VERSION),
  f: z.number().int().nonnegative(),
  l: z.number().int().nonnegative(),
  c: z.array(z.tuple([z.string(), z.string()])).optional(),
  w: pair.optional(),
  a: pair.optional(),
  p: z.number().int().nonnegative().optional(),
  r: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]).optional(),
  d: z.array(z.number().int().min(0)).optional(),
  x: z.enum(["p", "j"]).optional(),
});

export type RawMeta = z.output<typeof RawMetaSchema>;

/** How many UTC days back `d` remembers: RAW's retention (60 days), day of `l` included. */
export const CHECK_IN_DAYS = 60;

export interface Times {
  firstSeen: number;
  lastCheckIn: number;
  /** Days with a check-in before the day of lastCheckIn, as in `d` (0, the day itself, implied). */
  earlierDays?: readonly number[];
}

/**
 * What ingest writes: the metadata of a check-in carrying the facts of the published
 * components only (the others are never needed: they are never published).
 */
export function publishedMeta(facts: Facts, times: Times, published: ReadonlySet<string>): RawMeta {
  return encodeMeta(
    { ...facts, components: facts.components.filter((c) => published.has(c.name)) },
    times,
    "p",
  );
}

/**
 * The metadata for the given facts (all of their components): inline, or, when they would not
 * fit in Cloudflare's 1024-byte limit, the overflow marker naming how to decode the value.
 */
export function encodeMeta(facts: Facts, times: Times, valueFormat: "p" | "j"): RawMeta {
  const meta: RawMeta = { v: META_VERSION, f: times.firstSeen, l: times.lastCheckIn };
  const days = normaliseDays([0, ...(times.earlierDays ?? [])]);
  if (days.length > 1) meta.d = days;
  meta.c = facts.components.map((c) => [c.name, c.version]);
  if (facts.onlineWorkers) meta.w = [facts.onlineWorkers.processes, facts.onlineWorkers.hosts];
  if (facts.onlineContentApps) {
    meta.a = [facts.onlineContentApps.processes, facts.onlineContentApps.hosts];
  }
  if (facts.postgresqlVersion !== null) meta.p = facts.postgresqlVersion;
  if (facts.rbacStats) {
    const r = facts.rbacStats;
    meta.r = [r.users, r.groups, r.domains, r.customAccessPolicies, r.customRoles];
  }
  if (metaBytes(meta) <= MAX_METADATA_BYTES) return meta;
  const overflow: RawMeta = {
    v: META_VERSION,
    f: times.firstSeen,
    l: times.lastCheckIn,
    x: valueFormat,
  };
  if (meta.d) overflow.d = meta.d;
  return overflow;
}

/** Ascending, distinct, within the window. */
function normaliseDays(days: readonly number[]): number[] {
  return [...new Set(days)].filter((d) => d >= 0 && d < CHECK_IN_DAYS).sort((a, b) => a - b);
}

/** `d` of an entry as read: absent means only the day of `l` (entries written before `d`). */
export function daysBefore(meta: RawMeta): number[] {
  return meta.d ?? [0];
}

/**
 * The days a stored entry remembers, re-expressed relative to a new last check-in day: shifted
 * by the whole days between the two, and those that fall out of the window dropped. The day of
 * the new last check-in itself (0) is not included.
 */
export function carryDays(meta: RawMeta, newLastCheckIn: number): number[] {
  const shift = Math.round((startOfUtcDay(newLastCheckIn) - startOfUtcDay(meta.l)) / DAY_MS);
  return normaliseDays(daysBefore(meta).map((d) => d + shift)).filter((d) => d !== 0);
}

/** 00:00 UTC (epoch ms) of every day the entry records a check-in on, ascending. */
export function checkInDays(meta: RawMeta): number[] {
  const last = startOfUtcDay(meta.l);
  return normaliseDays(daysBefore(meta))
    .map((d) => last - d * DAY_MS)
    .sort((a, b) => a - b);
}

/** Size of the metadata as KV counts it: its JSON serialization in UTF-8. */
export function metaBytes(meta: RawMeta): number {
  return new TextEncoder().encode(JSON.stringify(meta)).byteLength;
}

/** Metadata as read back from KV, or null when it is missing or not ours. */
export function parseMeta(value: unknown): RawMeta | null {
  const parsed = RawMetaSchema.safeParse(value);
  if (!parsed.success) return null;
  const meta = parsed.data;
  // Exactly one of the two forms: facts inline or the overflow marker.
  if ((meta.c === undefined) === (meta.x === undefined)) return null;
  // `d` as written: ascending, distinct, within the window, the day of `l` first.
  if (meta.d) {
    const d = meta.d;
    if (
      d[0] !== 0 ||
      d.some((day, i) => day >= CHECK_IN_DAYS || (i > 0 && day <= (d[i - 1] ?? 0)))
    ) {
      return null;
    }
  }
  return meta;
}

/** The facts carried inline, or null for an overflow entry (read the value instead). */
export function factsFromMeta(meta: RawMeta): Facts | null {
  if (!meta.c) return null;
  const r = meta.r;
  return {
    components: meta.c.map(([name, version]) => ({ name, version })),
    onlineWorkers: meta.w ? { processes: meta.w[0], hosts: meta.w[1] } : null,
    onlineContentApps: meta.a ? { processes: meta.a[0], hosts: meta.a[1] } : null,
    postgresqlVersion: meta.p ?? null,
    rbacStats: r
      ? {
          users: r[0],
          groups: r[1],
          domains: r[2],
          customAccessPolicies: r[3],
          customRoles: r[4],
        }
      : null,
  };
}

/**
 * The size of the largest metadata a check-in can produce when `published` are the published
 * components: each at the longest version, every optional fact at its largest, first seen and
 * last check-in of 13 digits, all 60 days. At most 1024 means no entry ever overflows.
 */
export function worstCaseMetaBytes(published: readonly string[]): number {
  const longest = "9".repeat(LIMITS.maxVersionLength);
  const most = LIMITS.maxRbacCount;
  const processes = { processes: LIMITS.maxProcesses, hosts: LIMITS.maxProcesses };
  const meta: RawMeta = {
    v: META_VERSION,
    f: 9_999_999_999_999,
    l: 9_999_999_999_999,
    d: Array.from({ length: CHECK_IN_DAYS }, (_, i) => i),
    c: [...new Set(published)].map((name) => [name, longest]),
    w: [processes.processes, processes.hosts],
    a: [processes.processes, processes.hosts],
    p: LIMITS.maxPostgresqlVersion,
    r: [most, most, most, most, most],
  };
  return metaBytes(meta);
}
