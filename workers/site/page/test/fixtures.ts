/**
 * Page data for the model's tests, written by the real store: `pageOf` and `views` build the
 * page views of given series (applyDays, one call a year); `page` is a small sample of every
 * family the page charts.
 */
import type { PageData } from "@pulp-analytics/shared/store";
import { daysOfSeries, memorySummary, pageViewsOf } from "@pulp-analytics/shared/testing";
import { type ChartData, dailyChartData, type RangeId } from "../model";

export const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`);
export const D1 = day("2026-04-01");
export const D2 = day("2026-04-02");
export const D3 = day("2026-04-03");

export type Series = Array<[string, Array<[number, number]>]>;
/** The page views the store writes for these series (applyDays, one call a year). */
export const views = async (series: Series) =>
  pageViewsOf(await memorySummary(daysOfSeries(series), 0));
export const pageOf = async (series: Series): Promise<PageData> => (await views(series)).page;

export const page = await pageOf([
  [
    "systems__total",
    [
      [D1, 4],
      [D3, 5],
    ],
  ],
  ["systems__persistent", [[D3, 3]]],
  ["online_workers__processes__mean", [[D3, 2.5]]],
  [
    "versions__core__3.9",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["versions__core__3.10", [[D3, 2]]],
  ["versions__file__1.2", [[D3, 3]]],
  ["versions__rpm__3.1", [[D3, 1]]],
  ["versions_xyz__core__3.10.0", [[D3, 1]]],
  ["versions_xyz__core__3.10.11", [[D3, 1]]],
  [
    "versions_xyz__core__3.9.2",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["postgresql__unknown", [[D3, 1]]],
  ["postgresql__15", [[D3, 2]]],
  [
    "postgresql__9.6",
    [
      [D1, 2],
      [D3, 1],
    ],
  ],
  ["age__3-4", [[D3, 1]]],
  ["age__0", [[D3, 2]]],
  ["age__17-32", [[D3, 2]]],
  ["rbac__users__2", [[D3, 1]]],
  ["rbac__users__0", [[D3, 2]]],
  ["rbac__custom_roles__0", [[D3, 3]]],
]);

export const daily = (p: PageData, range: RangeId = "90d"): ChartData =>
  dailyChartData(p, range) as ChartData;
