/**
 * The normalised check-in: what every accepted body (protobuf, pulpcore 3.20 JSON, protobuf JSON
 * mapping) becomes, and the one zod schema that decides whether it is acceptable.
 *
 * `null` means "not reported" (an older pulpcore that does not know the field), which is not the
 * same as zero.
 */
import { z } from "zod";

export const LIMITS = {
  /** Real installations run one to two dozen plugins. */
  maxComponents: 100,
  maxNameLength: 64,
  /**
   * Real versions are under 16 characters (`3.49.1`, `2024.10.0`, `3.50.0.dev`). 32 leaves room
   * for every canonical shape that matters (four parts, a pre-release, `.post` and `.dev`), and
   * keeps the metadata of 100 published components bounded (see metadata.ts).
   */
  maxVersionLength: 32,
  /** Online processes or hosts of one kind in one installation. */
  maxProcesses: 100_000,
  /** Users, groups, domains, custom access policies or custom roles of one installation. */
  maxRbacCount: 10_000_000,
  /** libpq `server_version` integers: 90624 (9.6.24) ... 170001 (17.1); PostgreSQL 7 is the floor. */
  minPostgresqlVersion: 70_000,
  /**
   * Major 99.9999: from 10 on, server_version is major × 10000 + minor, so six digits hold every
   * major up to 99 (PostgreSQL ships one major a year; 18 is 2025's). A seven-digit value would
   * be a major of 100 or more, which no PostgreSQL is: it could only publish a made-up series.
   */
  maxPostgresqlVersion: 999_999,
} as const;

/** Django app labels: letters, digits and underscores; we also allow dots and dashes. */
const COMPONENT_NAME = /^[a-z0-9][a-z0-9_.-]*$/i;
/**
 * One numeric part of a version in canonical form (docs/contract.md#2-ingest-of-check-ins): no leading zero, at most six
 * digits. `03` and `0040` are refused rather than normalised, so one version is one string and
 * a number too big for a double (`99999999999999999999999`) never reaches a series name.
 */
const PART = "(?:0|[1-9][0-9]{0,5})";
/**
 * A canonical PEP 440 public version as Python packages (and so pulpcore's plugins) print it:
 * one to four numeric parts, then at most a pre-release (`a1`, `b2`, `rc1`), a `.postN` and a
 * `.devN`, in that order, lower case. Local labels (`3.40.0+anything`) are refused: they are not
 * releases of a public plugin, and they would publish whatever text follows the `+`.
 */
export const COMPONENT_VERSION = new RegExp(
  `^${PART}(?:\\.${PART}){0,3}(?:(?:a|b|rc)${PART}?)?(?:\\.post${PART}?)?(?:\\.dev${PART}?)?$`,
);
/** What production accepts (docs/contract.md#2-ingest-of-check-ins): a plain release `N.N.N` (canonical, as above). */
const RELEASE_VERSION = new RegExp(`^${PART}\\.${PART}\\.${PART}$`);

const count = (max: number) => z.number().int("must be a whole number").min(0).max(max);

const ProcessCountsSchema = z.object({
  processes: count(LIMITS.maxProcesses),
  hosts: count(LIMITS.maxProcesses),
});

const RbacStatsSchema = z.object({
  users: count(LIMITS.maxRbacCount),
  groups: count(LIMITS.maxRbacCount),
  domains: count(LIMITS.maxRbacCount),
  customAccessPolicies: count(LIMITS.maxRbacCount),
  customRoles: count(LIMITS.maxRbacCount),
});

const ComponentSchema = z.object({
  name: z
    .string()
    .min(1)
    .max(LIMITS.maxNameLength)
    .regex(COMPONENT_NAME, "must be a plugin label (letters, digits, '_', '.', '-')"),
  version: z
    .string()
    .min(1)
    .max(LIMITS.maxVersionLength)
    .regex(
      COMPONENT_VERSION,
      "must be a canonical version: numbers of at most 6 digits without leading zeros, e.g. 3.49.1 or 3.50.0.dev",
    ),
});

export const CheckInSchema = z.object({
  // pulpcore sends lower-case UUIDs (v4 from older releases, v7 from newer ones); we store the
  // canonical lower-case form so one installation is always one key.
  systemId: z.uuid("must be a UUID").transform((id) => id.toLowerCase()),
  components: z
    .array(ComponentSchema)
    .min(1, "at least one component (core) is expected")
    .max(LIMITS.maxComponents)
    .superRefine((components, ctx) => {
      const seen = new Set<string>();
      components.forEach((component, index) => {
        if (seen.has(component.name)) {
          ctx.addIssue({
            code: "custom",
            message: `component "${component.name}" is listed twice`,
            path: [index, "name"],
          });
        }
        seen.add(component.name);
      });
    }),
  onlineWorkers: ProcessCountsSchema.nullable(),
  onlineContentApps: ProcessCountsSchema.nullable(),
  postgresqlVersion: z
    .number()
    .int("must be a whole number")
    .refine(
      (v) => v === 0 || (v >= LIMITS.minPostgresqlVersion && v <= LIMITS.maxPostgresqlVersion),
      {
        message: `must be 0 (unknown) or a server_version from ${LIMITS.minPostgresqlVersion} (7.0) to ${LIMITS.maxPostgresqlVersion} (99.9999)`,
      },
    )
    .nullable(),
  rbacStats: RbacStatsSchema.nullable(),
});

export type CheckIn = z.output<typeof CheckInSchema>;
export type RbacStats = z.output<typeof RbacStatsSchema>;
export type Component = z.output<typeof ComponentSchema>;
/** Everything a check-in says about an installation except which one it is. */
export type Facts = Omit<CheckIn, "systemId">;

export function factsOf({ systemId: _id, ...facts }: CheckIn): Facts {
  return facts;
}

/** The RBAC measures in a fixed order (used by the metadata codec and the series names). */
export const RBAC_MEASURES = [
  "users",
  "groups",
  "domains",
  "custom_access_policies",
  "custom_roles",
] as const;
export type RbacMeasure = (typeof RBAC_MEASURES)[number];

const RBAC_FIELD: Record<RbacMeasure, keyof RbacStats> = {
  users: "users",
  groups: "groups",
  domains: "domains",
  custom_access_policies: "customAccessPolicies",
  custom_roles: "customRoles",
};

export function rbacValue(stats: RbacStats, measure: RbacMeasure): number {
  return stats[RBAC_FIELD[measure]];
}

/** Components whose version is not a plain `N.N.N` release (refused by production). */
export function preReleaseComponents(checkIn: Pick<CheckIn, "components">): Component[] {
  return checkIn.components.filter((c) => !RELEASE_VERSION.test(c.version));
}

/**
 * A version's x.y, what the version series count and RAW's movement remembers: `3.49.1` →
 * `3.49`; `3.20.0.dev` → `3.20`; `2.0.0a6` → `2.0`; `10.0.0` → `10.0`; `unknown` without one.
 */
export function versionXY(version: string): string {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? `${Number(match[1])}.${Number(match[2])}` : "unknown";
}
