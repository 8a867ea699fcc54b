/**
 * The compact RAW metadata codec. Every RAW key (one installation) carries in its metadata what
 * the summarizer needs, so a summary reads `list()` pages and never the values. Field letters
 * (version 2, what ingest writes):
 *
 * | key | meaning                                                                                                     |
 * | --- | ----------------------------------------------------------------------------------------------------------- |
 * | `v` | codec version ({@link META_VERSION})                                                                        |
 * | `f` | first seen, epoch ms (carried forward across check-ins)                                                     |
 * | `l` | last check-in, epoch ms                                                                                     |
 * | `d` | UTC days with a check-in as a 60-bit mask in hex, bit i = i days before the day of `l` (absent: only that day) |
 * | `c` | published components (only those the summarizer may publish), each with its movement (below)                |
 * | `w` | online workers `[processes, hosts]` (absent: not reported)                                                  |
 * | `a` | online content apps `[processes, hosts]` (absent: not reported)                                             |
 * | `p` | PostgreSQL server_version (absent: not reported; 0: reported as unknown)                                    |
 * | `r` | RBAC `[users, groups, domains, custom_access_policies, custom_roles]` (absent: not reported)                |
 * | `x` | overflow: the facts did not fit in 1024 bytes; read the value, which is `p`rotobuf or `j`son                |
 *
 * **Movement.** Each `c` entry is `[name, version, since?, previous?]`, days as UTC day numbers
 * (days since 1970-01-01; check-ins are from 2000 on, so never 0):
 *
 * - `[name, version]`: no movement known (a version 1 entry, or dropped to fit, below).
 * - `[name, version, since]`: its x.y ({@link versionXY}) first reported on day `since`, on the
 *   installation's first check-in; nothing before it known.
 * - `[name, version, -since]`: a lower bound: the x.y was reported on day `since` and maybe long
 *   before (history from before movement was recorded: a version 1 entry or a dropped one).
 * - `[name, version, since, ""]`: added on `since`: not reported on the check-in before.
 * - `[name, version, since, "x.y"]`: changed on `since` from `x.y`; a higher `x.y` than the
 *   current one (numerically, part by part) is a downgrade or a restored backup, not an upgrade.
 *
 * `since` is carried across check-ins for as long as the x.y stays (beyond RAW's 60 days, as `f`
 * is); a new patch release of the same x.y is no movement. A component no longer reported is
 * dropped, so if it comes back it is "added", never an upgrade from the x.y it had before.
 *
 * **Fit.** An entry has either the facts (`c`, and `w a p r` where reported) or `x`, never both.
 * Since `c` carries published components only and versions are canonical (≤ 32 characters), the
 * facts of the default published list always fit, with every optional fact and a full `d`. The
 * movement may not: if an entry would pass 1024 bytes, the movement of non-core components is
 * dropped (the entry cut to `[name, version]`), from the end of `c` on, until it fits; core's is
 * never dropped. Real check-ins (versions of a few characters) keep all of it; the worst case of
 * the default list (every version 32 characters, every previous x.y 13) keeps core's and 8 more
 * (metadata.test.ts proves both; scripts/test/config.test.ts checks each deployed list with
 * {@link worstCaseMetaBytes}). `x` is written only if an operator publishes more components than
 * fit; entries written before, with `x: "j"` too, still parse.
 *
 * **Version 1** (written until movement was recorded; RAW holds such entries for 60 days after
 * the deploy, and they parse forever) had `d` as an array of those day numbers and `c` as
 * `[name, version]` pairs. {@link parseMeta} reads it as the version 2 entry it is equal to.
 */
import { z } from "zod";
import { type Facts, LIMITS, versionXY } from "../checkin/schema";
import { DAY_MS, MAX_METADATA_BYTES } from "../config/names";
import { startOfUtcDay } from "../config/time";

export const META_VERSION = 2;

/** How many UTC days back `d` remembers: RAW's retention (60 days), day of `l` included. */
export const CHECK_IN_DAYS = 60;

/** The component whose movement is never dropped to fit. */
const CORE = "core";

const pair = z.tuple([z.number(), z.number()]);
const time = z.number().int().nonnegative();
const facts = {
  f: time,
  l: time,
  w: pair.optional(),
  a: pair.optional(),
  p: z.number().int().nonnegative().optional(),
  r: z.tuple([z.number(), z.number(), z.number(), z.number(), z.number()]).optional(),
  x: z.enum(["p", "j"]).optional(),
};

const day = z
  .number()
  .int()
  .refine((n) => n !== 0);
/** "" (added), an x.y, or `unknown` (a version without one, as {@link versionXY} says). */
const xy = z.string().regex(/^(|unknown|\d{1,6}\.\d{1,6})$/);
const component = z.union([
  z.tuple([z.string(), z.string()]),
  z.tuple([z.string(), z.string(), day]),
  z.tuple([z.string(), z.string(), day.refine((n) => n > 0), xy]),
]);

const MetaV2Schema = z.object({
  ...facts,
  v: z.literal(2),
  c: z.array(component).optional(),
  d: z
    .string()
    .regex(/^[1-9a-f][0-9a-f]{0,14}$/)
    .optional(),
});

const MetaV1Schema = z.object({
  ...facts,
  v: z.literal(1),
  c: z.array(z.tuple([z.string(), z.string()])).optional(),
  d: z.array(z.number().int().min(0)).optional(),
});

export type RawMeta = z.output<typeof MetaV2Schema>;
type ComponentEntry = z.output<typeof component>;

/** What RAW remembers of one component's x.y (module comment, "Movement"). */
export interface Movement {
  /** UTC day number (days since 1970-01-01) its current x.y was first reported. */
  since: number;
  /** False: only a lower bound, the x.y was reported on `since` and maybe before. */
  sinceKnown: boolean;
  /** The x.y reported before `since`; "" when the component was added then; absent: none known. */
  previous?: string;
}

export interface Times {
  firstSeen: number;
  lastCheckIn: number;
  /** Days with a check-in before the day of lastCheckIn, as days before it (0, the day itself, implied). */
  earlierDays?: readonly number[];
}

/** The UTC day number of an epoch ms time. */
const dayNumber = (epochMs: number) => Math.floor(epochMs / DAY_MS);

/**
 * What ingest writes: the metadata of a check-in carrying the facts of the published
 * components only (the others are never needed: they are never published), with their movement.
 */
export function publishedMeta(
  facts: Facts,
  times: Times,
  published: ReadonlySet<string>,
  movement: ReadonlyMap<string, Movement> = new Map(),
): RawMeta {
  return encodeMeta(
    { ...facts, components: facts.components.filter((c) => published.has(c.name)) },
    times,
    "p",
    movement,
  );
}

/**
 * The metadata for the given facts (all of their components) and the movement known of them:
 * inline, with movement dropped to fit as the module comment says, or, when the facts would not
 * fit in Cloudflare's 1024-byte limit, the overflow marker naming how to decode the value.
 */
export function encodeMeta(
  facts: Facts,
  times: Times,
  valueFormat: "p" | "j",
  movement: ReadonlyMap<string, Movement> = new Map(),
): RawMeta {
  const meta = inlineMeta(facts, times, movement);
  return fit(meta) ? meta : overflowMeta(times, valueFormat);
}

/** The overflow form: the times and days only, the facts in the value (encoded as `valueFormat`). */
export function overflowMeta(times: Times, valueFormat: "p" | "j"): RawMeta {
  const meta: RawMeta = { v: META_VERSION, f: times.firstSeen, l: times.lastCheckIn };
  const days = normaliseDays([0, ...(times.earlierDays ?? [])]);
  if (days.length > 1) meta.d = daysMask(days);
  meta.x = valueFormat;
  return meta;
}

function inlineMeta(facts: Facts, times: Times, movement: ReadonlyMap<string, Movement>): RawMeta {
  const meta: RawMeta = { v: META_VERSION, f: times.firstSeen, l: times.lastCheckIn };
  const days = normaliseDays([0, ...(times.earlierDays ?? [])]);
  if (days.length > 1) meta.d = daysMask(days);
  meta.c = facts.components.map((c) => componentEntry(c.name, c.version, movement.get(c.name)));
  if (facts.onlineWorkers) meta.w = [facts.onlineWorkers.processes, facts.onlineWorkers.hosts];
  if (facts.onlineContentApps) {
    meta.a = [facts.onlineContentApps.processes, facts.onlineContentApps.hosts];
  }
  if (facts.postgresqlVersion !== null) meta.p = facts.postgresqlVersion;
  if (facts.rbacStats) {
    const r = facts.rbacStats;
    meta.r = [r.users, r.groups, r.domains, r.customAccessPolicies, r.customRoles];
  }
  return meta;
}

function componentEntry(name: string, version: string, m: Movement | undefined): ComponentEntry {
  if (!m) return [name, version];
  if (!m.sinceKnown) return [name, version, -m.since];
  return m.previous === undefined ? [name, version, m.since] : [name, version, m.since, m.previous];
}

/**
 * Drops the movement of non-core components, last first, until the entry fits; true if it fits
 * then (core's movement is never dropped).
 */
function fit(meta: RawMeta): boolean {
  const c = meta.c ?? [];
  for (let i = c.length - 1; metaBytes(meta) > MAX_METADATA_BYTES; i--) {
    if (i < 0) return false;
    const entry = c[i];
    if (entry && entry.length > 2 && entry[0] !== CORE) c[i] = [entry[0], entry[1]];
  }
  return true;
}

/** The movement an entry records, by component (absent: none known for it). */
export function movementOf(meta: RawMeta): Map<string, Movement> {
  const movement = new Map<string, Movement>();
  for (const entry of meta.c ?? []) {
    const [name, , since, previous] = entry;
    if (since === undefined) continue;
    movement.set(
      name,
      since < 0
        ? { since: -since, sinceKnown: false }
        : previous === undefined
          ? { since, sinceKnown: true }
          : { since, sinceKnown: true, previous },
    );
  }
  return movement;
}

/**
 * The movement a check-in of `facts` on `now` records, given what the stored entry knew (its
 * facts, or null when it had none inline, and its movement): the same x.y carries its movement;
 * a new x.y is a change from the stored one today; a component the entry did not have was added
 * today; all of them are new (known, nothing before) when there is no stored entry at all.
 */
export function nextMovement(
  facts: Facts,
  now: number,
  stored: {
    facts: Facts | null;
    movement: ReadonlyMap<string, Movement>;
    lastCheckIn: number;
  } | null,
): Map<string, Movement> {
  const today = dayNumber(now);
  const before = new Map(stored?.facts?.components.map((c) => [c.name, c.version]) ?? []);
  const movement = new Map<string, Movement>();
  for (const { name, version } of facts.components) {
    const xy = versionXY(version);
    const was = before.get(name);
    if (!stored) movement.set(name, { since: today, sinceKnown: true });
    else if (!stored.facts) movement.set(name, { since: today, sinceKnown: false });
    else if (was === undefined)
      movement.set(name, { since: today, sinceKnown: true, previous: "" });
    else if (versionXY(was) !== xy) {
      movement.set(name, { since: today, sinceKnown: true, previous: versionXY(was) });
    } else {
      movement.set(
        name,
        stored.movement.get(name) ?? { since: dayNumber(stored.lastCheckIn), sinceKnown: false },
      );
    }
  }
  return movement;
}

/** Ascending, distinct, within the window. */
function normaliseDays(days: readonly number[]): number[] {
  return [...new Set(days)].filter((d) => d >= 0 && d < CHECK_IN_DAYS).sort((a, b) => a - b);
}

/** Days before the day of `l` (0..59, 0 included) as `d`: hex, bit i = day i, no leading zero. */
function daysMask(days: readonly number[]): string {
  const digits = Array.from({ length: CHECK_IN_DAYS / 4 }, () => 0);
  for (const d of days) digits[d >> 2] = (digits[d >> 2] ?? 0) | (1 << (d & 3));
  return digits
    .reverse()
    .map((n) => n.toString(16))
    .join("")
    .replace(/^0+/, "");
}

/** `d` of an entry as read: ascending days before the day of `l`, 0 first (absent: only 0). */
export function daysBefore(meta: RawMeta): number[] {
  if (meta.d === undefined) return [0];
  const days: number[] = [];
  const digits = [...meta.d].reverse();
  digits.forEach((digit, i) => {
    const n = Number.parseInt(digit, 16);
    for (let bit = 0; bit < 4; bit++) if (n & (1 << bit)) days.push(i * 4 + bit);
  });
  return days;
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
  return daysBefore(meta)
    .map((d) => last - d * DAY_MS)
    .sort((a, b) => a - b);
}

/** Size of the metadata as KV counts it: its JSON serialization in UTF-8. */
export function metaBytes(meta: RawMeta): number {
  return new TextEncoder().encode(JSON.stringify(meta)).byteLength;
}

/**
 * Metadata as read back from KV, or null when it is missing or not ours. A version 1 entry is
 * read as the version 2 entry it is equal to (its components without movement).
 */
export function parseMeta(value: unknown): RawMeta | null {
  const meta = parseVersion(value);
  if (!meta) return null;
  // Exactly one of the two forms: facts inline or the overflow marker.
  if ((meta.c === undefined) === (meta.x === undefined)) return null;
  // The day of `l` is always a check-in day.
  if (meta.d !== undefined && !(Number.parseInt(meta.d.slice(-1), 16) & 1)) return null;
  return meta;
}

function parseVersion(value: unknown): RawMeta | null {
  const v2 = MetaV2Schema.safeParse(value);
  if (v2.success) return v2.data;
  const v1 = MetaV1Schema.safeParse(value);
  if (!v1.success) return null;
  const { d, ...rest } = v1.data;
  const meta: RawMeta = { ...rest, v: META_VERSION };
  // `d` as version 1 wrote it: ascending, distinct, within the window, the day of `l` first.
  if (d) {
    if (
      d[0] !== 0 ||
      d.some((day, i) => day >= CHECK_IN_DAYS || (i > 0 && day <= (d[i - 1] ?? 0)))
    ) {
      return null;
    }
    if (d.length > 1) meta.d = daysMask(d);
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

/** The worst case's facts and movement for `published` (see {@link worstCaseMetaBytes}). */
export function worstCase(published: readonly string[]): {
  facts: Facts;
  times: Times;
  movement: Map<string, Movement>;
} {
  const longest = "9".repeat(LIMITS.maxVersionLength);
  const most = LIMITS.maxRbacCount;
  const processes = { processes: LIMITS.maxProcesses, hosts: LIMITS.maxProcesses };
  // Epoch ms keep 13 digits until the year 2286, day numbers 5 digits until 2243.
  const latest = 9_999_999_999_999;
  const names = [...new Set(published)];
  return {
    facts: {
      components: names.map((name) => ({ name, version: longest })),
      onlineWorkers: processes,
      onlineContentApps: processes,
      postgresqlVersion: LIMITS.maxPostgresqlVersion,
      rbacStats: {
        users: most,
        groups: most,
        domains: most,
        customAccessPolicies: most,
        customRoles: most,
      },
    },
    times: {
      firstSeen: latest,
      lastCheckIn: latest,
      earlierDays: Array.from({ length: CHECK_IN_DAYS - 1 }, (_, i) => i + 1),
    },
    movement: new Map(
      names.map((name) => [name, { since: 99_999, sinceKnown: true, previous: "999999.999999" }]),
    ),
  };
}

/**
 * The size of the largest metadata that cannot shrink by dropping movement, when `published` are
 * the published components: each at the longest version, every optional fact at its largest,
 * first seen and last check-in of 13 digits, all 60 days, and core's movement at its longest (the
 * others' is dropped first when an entry would not fit). At most 1024 means no entry ever
 * overflows and core's movement is always kept.
 */
export function worstCaseMetaBytes(published: readonly string[]): number {
  const { facts, times, movement } = worstCase(published);
  const core = movement.get(CORE);
  return metaBytes(inlineMeta(facts, times, new Map(core ? [[CORE, core]] : [])));
}
