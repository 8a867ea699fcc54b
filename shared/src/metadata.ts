/**
 * The compact RAW metadata codec. Every RAW key (one installation) carries in its metadata what
 * the summarizer needs, so a summary reads `list()` pages and never the values. Field letters:
 *
 * | key | meaning |
 * |---|---|
 * | `v` | codec version ({@link META_VERSION}) |
 * | `f` | first seen, epoch ms (carried forward across check-ins) |
 * | `l` | last check-in, epoch ms |
 * | `c` | components as `[name, version]` pairs |
 * | `w` | online workers `[processes, hosts]` (absent: not reported) |
 * | `a` | online content apps `[processes, hosts]` (absent: not reported) |
 * | `p` | PostgreSQL server_version (absent: not reported; 0: reported as unknown) |
 * | `r` | RBAC `[users, groups, domains, custom_access_policies, custom_roles]` (absent: not reported) |
 * | `x` | overflow: the facts did not fit in 1024 bytes; read the value, which is `p`rotobuf or `j`son |
 *
 * An entry has either the facts (`c`, and `w a p r` where reported) or `x`, never both.
 */
import { z } from "zod";
import type { Facts } from "./checkin";
import { MAX_METADATA_BYTES } from "./names";

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
  x: z.enum(["p", "j"]).optional(),
});

export type RawMeta = z.output<typeof RawMetaSchema>;

export interface Times {
  firstSeen: number;
  lastCheckIn: number;
}

/**
 * The metadata for a stored check-in: the facts inline, or, when they would not fit in
 * Cloudflare's 1024-byte limit, the overflow marker naming how to decode the value.
 */
export function encodeMeta(facts: Facts, times: Times, valueFormat: "p" | "j"): RawMeta {
  const meta: RawMeta = { v: META_VERSION, f: times.firstSeen, l: times.lastCheckIn };
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
  return { v: META_VERSION, f: times.firstSeen, l: times.lastCheckIn, x: valueFormat };
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
