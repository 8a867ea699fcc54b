/**
 * A deterministic population of N installations checking in on one day, with the spread of a
 * real one: core and a few plugins at many versions, PostgreSQL majors, RBAC usage, ages.
 * Used by the summarizer benchmark (as RAW metadata) and the aggregation benchmark (as records).
 */
import type { Facts } from "@pulp-analytics/shared/checkin";
import { DAY_MS } from "@pulp-analytics/shared/config";
import type { SystemRecord } from "@pulp-analytics/shared/summary";

/** Park–Miller, seeded through an integer hash so that neighbouring seeds start far apart. */
function random(seed: number): () => number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  let state = ((h ^ (h >>> 16)) >>> 0) % 2147483647 || 1;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

const PLUGINS = ["file", "rpm", "container", "ansible", "deb", "python", "certguard"];
const POSTGRES = [0, 90624, 120018, 130014, 140010, 150004, 160004, 170001];

export function systemId(i: number): string {
  const hex = i.toString(16).padStart(12, "0");
  return `0193a000-0000-7000-8000-${hex}`;
}

/** The facts of installation `i` (same `i`, same facts). */
export function installationFacts(i: number): Facts {
  const r = random(i + 1);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  // Upgrades lag: recent minors are common, old ones a long tail; patches likewise.
  const minor = 85 - Math.floor(r() ** 2 * 45);
  const components = [{ name: "core", version: `3.${minor}.${Math.floor(r() ** 2 * 6)}` }];
  PLUGINS.forEach((plugin, p) => {
    if (r() < 0.35) {
      const latest = 10 + 3 * p;
      components.push({
        name: plugin,
        // Never below x.0: a negative minor (`1.-4.0`) is not a version, and ingest refuses it.
        version: `${1 + (p % 3)}.${Math.max(0, latest - Math.floor(r() ** 2 * 15))}.${Math.floor(r() ** 2 * 4)}`,
      });
    }
  });
  if (r() < 0.05) components.push({ name: "acme_internal", version: "0.1.0" });
  const workers = 1 + Math.floor(r() ** 3 * 40);
  return {
    components,
    onlineWorkers: { processes: workers, hosts: 1 + Math.floor(workers / 8) },
    onlineContentApps: { processes: 1 + Math.floor(r() * 8), hosts: 1 + Math.floor(r() * 3) },
    postgresqlVersion: r() < 0.1 ? null : pick(POSTGRES),
    rbacStats:
      r() < 0.3
        ? null
        : {
            users: Math.floor(r() ** 2 * 500),
            groups: Math.floor(r() * 40),
            domains: Math.floor(r() * 3),
            customAccessPolicies: Math.floor(r() * 5),
            customRoles: Math.floor(r() * 12),
          },
  };
}

/** Installation `i` as RAW knows it on `day`: checked in that day, first seen up to 2 years ago. */
export function recordOf(i: number, day: number): SystemRecord {
  const age = Math.floor(random(i + 7)() ** 2 * 730);
  return {
    firstSeen: day - age * DAY_MS + 3_600_000,
    lastCheckIn: day + 3_600_000 + (i % 72_000) * 1000,
    facts: installationFacts(i),
  };
}
