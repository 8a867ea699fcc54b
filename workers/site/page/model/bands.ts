/**
 * Shares over a range as stacked bars: each day's bar adds up to 100 %, a band per x.y (or
 * major, or run of versions). A few named bands and "Other", or, for versions, consecutive
 * versions banded by their weight in the range.
 */
import type { ChartModel } from "./charts";
import { CHART_COLORS } from "./palette";
import { barData, type ChartData } from "./ranges";
import { labelsOf, type Member, valuesOn } from "./series";
import { shares } from "./shares";
import { byVersion, versionMembers } from "./versions";

/** The range's reported days, and each member's value on them, for share charts. */
function shareTable(data: ChartData, members: readonly Member[]) {
  const values = members.map((m) => valuesOn(data.series.get(m.key), data.days));
  const totals = data.days.map((_, i) => values.reduce((sum, v) => sum + (v[i] ?? 0), 0));
  // A day on which no member has a point is left out: its shares are unknown (a small plugin
  // that no persistent installation reported that day), and drawn as 0 % the chart would seem
  // to empty.
  const reported = data.days.flatMap((_, i) => ((totals[i] ?? 0) > 0 ? [i] : []));
  const share = (m: number, i: number) => (values[m]?.[i] ?? 0) / (totals[i] as number);
  return { values, reported, share };
}

/** Stacked shares of `groups` (rows of member indexes) on the reported days. */
function stackedModel(
  data: ChartData,
  members: readonly Member[],
  table: ReturnType<typeof shareTable>,
  groups: ReadonlyArray<{ name: string; rows: number[] }>,
  order: (a: Member, b: Member) => number,
): ChartModel {
  const perDay = table.reported.map((i) =>
    shares(groups.map((g) => g.rows.reduce((sum, m) => sum + (table.values[m]?.[i] ?? 0), 0))),
  );
  return {
    labels: labelsOf(table.reported.map((i) => data.days[i] as number)),
    datasets: groups.map((g, j) => ({ name: g.name, values: perDay.map((day) => day[j] ?? 0) })),
    keys: [...members].sort(order).map((m) => m.key),
  };
}

/**
 * Shares in percent over the range's days of a family of series (one per label), for a stacked
 * chart: each day's shares add up to 100. The `top` labels that mattered most in the range,
 * by their highest share on any shown day (then installations on the latest shown day), are
 * named in `order`; the rest add up to "Other", first (at the bottom of the stack). With
 * `named`, every label it accepts (given its highest share, in percent) is named instead, and
 * the chart says which labels "Other" holds.
 */
export function shareChart(
  data: ChartData,
  members: readonly Member[],
  top: number,
  order: (a: Member, b: Member) => number,
  named?: (member: Member, peak: number) => boolean,
): ChartModel {
  const table = shareTable(data, members);
  const { reported, share, values } = table;
  const peak = members.map((_, m) => reported.reduce((best, i) => Math.max(best, share(m, i)), 0));
  const last = reported[reported.length - 1];
  const atLast = (m: number) => (last === undefined ? 0 : (values[m]?.[last] ?? 0));
  const ranked = members
    .map((member, m) => ({ member, m }))
    .filter(({ m }) => (peak[m] ?? 0) > 0)
    .sort(
      (a, b) =>
        (peak[b.m] ?? 0) - (peak[a.m] ?? 0) ||
        atLast(b.m) - atLast(a.m) ||
        order(a.member, b.member),
    );
  const kept = named
    ? ranked.filter(({ member, m }) => named(member, (peak[m] ?? 0) * 100))
    : ranked.slice(0, top);
  const shown = [...kept].sort((a, b) => order(a.member, b.member));
  const rest = ranked.filter((r) => !kept.includes(r)).sort((a, b) => order(a.member, b.member));
  const groups = shown.map(({ member, m }) => ({ name: member.label, rows: [m] }));
  if (rest.length > 0) groups.unshift({ name: "Other", rows: rest.map(({ m }) => m) });
  const chart = stackedModel(data, members, table, groups, order);
  return named && rest.length > 0 ? { ...chart, other: rest.map((r) => r.member.label) } : chart;
}

/**
 * Cuts `weights` (in order) into at most `count` runs of consecutive items, each as close as
 * it can be to an equal part of what is left: a heavy item stands alone, light neighbours are
 * grouped. Returns each run's item indexes.
 */
export function bands(weights: readonly number[], count: number): number[][] {
  const runs: number[][] = [];
  let left = weights.reduce((a, b) => a + b, 0);
  let run: number[] = [];
  let sum = 0;
  weights.forEach((weight, i) => {
    const target = left / Math.max(1, count - runs.length);
    if (run.length > 0 && runs.length < count - 1) {
      if (Math.abs(sum - target) <= Math.abs(sum + weight - target)) {
        runs.push(run);
        left -= sum;
        run = [];
        sum = 0;
      }
    }
    run.push(i);
    sum += weight;
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** How many x.y versions (or bands of them) a component's chart shows: one per palette color. */
export const TOP_VERSIONS = CHART_COLORS.length;

/**
 * A component's x.y versions as stacked shares over the range. Up to {@link TOP_VERSIONS}
 * versions with a share in the range are each shown. With more (a year of core has ~14, ten
 * years ~140), consecutive versions are banded ("3.21–3.28") into {@link TOP_VERSIONS} bands of
 * about equal weight in the range (the sum of their daily shares): the releases that mattered
 * in the range get a band of their own, the long tail of old ones shares one, and every
 * installation stays in a named band (a top-N with the rest as "Other" left 60–95 % of a long
 * range in one gray "Other").
 */
function versionBands(data: ChartData, members: readonly Member[]): ChartModel {
  const sorted = [...members].sort(byVersion);
  const table = shareTable(data, sorted);
  const weight = sorted.map((_, m) =>
    table.reported.reduce((sum, i) => sum + table.share(m, i), 0),
  );
  const present = sorted.flatMap((_, m) => ((weight[m] ?? 0) > 0 ? [m] : []));
  const runs =
    present.length <= TOP_VERSIONS
      ? present.map((m) => [m])
      : bands(
          present.map((m) => weight[m] ?? 0),
          TOP_VERSIONS,
        ).map((run) => run.map((j) => present[j] as number));
  const groups = runs.map((rows) => {
    const first = sorted[rows[0] as number]?.label ?? "";
    const last = sorted[rows[rows.length - 1] as number]?.label ?? "";
    return { name: rows.length === 1 ? first : `${first}–${last}`, rows };
  });
  return stackedModel(data, sorted, table, groups, byVersion);
}

/** A component's x.y versions as stacked shares over the range (see versionBands). */
export function versionShareChart(data: ChartData, component: string): ChartModel {
  return versionBands(barData(data), versionMembers(data.series.keys(), component));
}
