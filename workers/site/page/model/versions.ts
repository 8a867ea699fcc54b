/**
 * A component's versions: the natural order of version strings, its x.y series, the published
 * components, and the exact x.y.z versions of the latest day as the page's tables show them.
 */
import type { PageData } from "@pulp-analytics/shared/store";
import { VERSIONS_PREFIX, VERSIONS_XYZ_PREFIX } from "@pulp-analytics/shared/summary";
import { indexOf, latest, type Member, splitKey } from "./series";
import { percent } from "./shares";

/** Natural order of version-like strings: `3.9` before `3.10`, `9.6` before `15`. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[^0-9A-Za-z]+/);
  const pb = b.split(/[^0-9A-Za-z]+/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x === y) continue;
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) return nx - ny;
    return x < y ? -1 : 1;
  }
  return 0;
}

export const byVersion = (a: Member, b: Member): number => compareVersions(a.label, b.label);

/** Every x.y series of a component: in the range's data, or on the page's recent days. */
export function versionMembers(keys: Iterable<string>, component: string): Member[] {
  const members: Member[] = [];
  for (const key of keys) {
    const parts = splitKey(key, VERSIONS_PREFIX);
    if (parts && parts[0] === component) members.push({ label: parts[1], key });
  }
  return members;
}

/** Published components, core first, then by installations on the latest day. */
export function components(page: PageData): string[] {
  const totals = new Map<string, number>();
  for (const key of indexOf(page).recent.keys()) {
    const parts = splitKey(key, VERSIONS_PREFIX);
    if (parts) totals.set(parts[0], (totals.get(parts[0]) ?? 0) + latest(page, key));
  }
  return [...totals.keys()].sort(
    (a, b) =>
      Number(b === "core") - Number(a === "core") ||
      (totals.get(b) ?? 0) - (totals.get(a) ?? 0) ||
      (a < b ? -1 : 1),
  );
}

/** The x.y series of a component the page's recent days hold (its data links). */
export function versionKeys(page: PageData, component: string): string[] {
  return versionMembers(indexOf(page).recent.keys(), component)
    .sort(byVersion)
    .map((m) => m.key);
}

/** The x.y of an exact version: its first two dot-separated parts. */
export const xyOf = (version: string): string => version.split(".").slice(0, 2).join(".");

export interface ExactVersion {
  version: string;
  installations: number;
  /** Percent of the component's installations on the latest day, one decimal. */
  share: number;
  key: string;
}

export interface ExactGroup {
  /** The x.y release. */
  xy: string;
  installations: number;
  /** Percent of the component's installations on the latest day, one decimal. */
  share: number;
  /** Its exact versions, newest first. */
  versions: ExactVersion[];
}

/** The exact versions of a component on the latest day, newest first. */
export function exactVersions(page: PageData, component: string): ExactVersion[] {
  const rows = Object.entries(page.latestXyz).flatMap(([key, installations]) => {
    const parts = splitKey(key, VERSIONS_XYZ_PREFIX);
    return parts && parts[0] === component ? [{ version: parts[1], installations, key }] : [];
  });
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  return rows
    .map((row) => ({ ...row, share: percent(row.installations, total) }))
    .sort((a, b) => compareVersions(b.version, a.version));
}

/** The exact versions of the latest day grouped by x.y, newest x.y first. */
export function exactVersionGroups(page: PageData, component: string): ExactGroup[] {
  const rows = exactVersions(page, component);
  const total = rows.reduce((sum, row) => sum + row.installations, 0);
  const groups = new Map<string, ExactVersion[]>();
  for (const row of rows) {
    const xy = xyOf(row.version);
    groups.set(xy, [...(groups.get(xy) ?? []), row]);
  }
  return [...groups].map(([xy, versions]) => {
    const installations = versions.reduce((sum, row) => sum + row.installations, 0);
    return { xy, installations, share: percent(installations, total), versions };
  });
}

/** The share in percent an x.y needs to be listed on its own in the exact versions' fold. */
export const EXACT_MINOR_SHARE = 1;

export interface ExactTable {
  /** The x.y groups, newest first (none: no exact version on the latest day). */
  groups: ExactGroup[];
  /** How many exact versions the groups hold. */
  versions: number;
  /**
   * The x.y listed first: those with at least {@link EXACT_MINOR_SHARE} % each, newest first,
   * or every x.y when none has.
   */
  shown: ExactGroup[];
  /**
   * The other x.y, under {@link EXACT_MINOR_SHARE} % each, folded once more with their
   * installations and share (the sum of their shares, one decimal); null when there are none
   * beside those shown.
   */
  tail: { groups: ExactGroup[]; installations: number; share: number } | null;
}

/** The exact versions' fold of a component on the latest day: every number it shows. */
export function exactTable(page: PageData, component: string): ExactTable {
  const groups = exactVersionGroups(page, component);
  const versions = groups.reduce((n, g) => n + g.versions.length, 0);
  const major = groups.filter((g) => g.share >= EXACT_MINOR_SHARE);
  const minor = groups.filter((g) => g.share < EXACT_MINOR_SHARE);
  if (major.length === 0 || minor.length === 0) {
    return { groups, versions, shown: major.length > 0 ? major : minor, tail: null };
  }
  const installations = minor.reduce((n, g) => n + g.installations, 0);
  const share = Math.round(minor.reduce((n, g) => n + g.share, 0) * 10) / 10;
  return { groups, versions, shown: major, tail: { groups: minor, installations, share } };
}
