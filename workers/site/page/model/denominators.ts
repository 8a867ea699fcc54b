/**
 * Honest denominators: every share the page shows says of what. One function,
 * {@link denominator}, counts a population from labelled counts (core x.y, PostgreSQL majors, a
 * planner's rows), and both the headline and the planner take their "of how many" from it.
 */
import { compareVersions } from "./versions";

/** A population a share is taken of: its count and what it is, in words. */
export interface Denominator {
  installations: number;
  /** "installations on core 3.22 or newer", "installations reporting a PostgreSQL major". */
  of: string;
}

/** The installations among `counts` (label → installations) whose label `include` accepts. */
export function denominator(
  counts: Iterable<readonly [string, number]>,
  include: (label: string) => boolean,
  of: string,
): Denominator {
  let installations = 0;
  for (const [label, n] of counts) if (include(label)) installations += n;
  return { installations, of };
}

/**
 * The core x.y from which pulpcore reports a fact: PostgreSQL's `server_version` from 3.22, RBAC
 * counts from 3.23 (docs/contract.md#body-forms). Older cores cannot report it, so a share of
 * "reported" is not a share of every installation.
 */
export const REPORTED_SINCE = { postgresql: "3.22", rbac: "3.23" } as const;

/** `x.y` is at least `min` (`unknown` never is). */
export const atLeast = (xy: string, min: string): boolean =>
  /^\d/.test(xy) && compareVersions(xy, min) >= 0;

/** The installations whose core can report `fact`, from core's x.y counts. */
export function canReport(
  coreXy: Iterable<readonly [string, number]>,
  fact: keyof typeof REPORTED_SINCE,
): Denominator {
  const since = REPORTED_SINCE[fact];
  return denominator(coreXy, (xy) => atLeast(xy, since), `installations on core ${since} or newer`);
}
