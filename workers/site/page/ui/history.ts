/**
 * The page data, and the weekly history by year (/api/v1/page/weekly/<YYYY>), fetched only for
 * "1 year", "All" and a component's "Adoption", each year once (a failed year is fetched again
 * next time).
 */
import type { PageData, WeeklyHistory } from "@pulp-analytics/shared/store";
import { yearsFor } from "../model";

async function json<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** The page data: one KV read behind the edge cache. */
export const fetchPage = (): Promise<PageData> => json<PageData>("/api/v1/page");

const weekly = new Map<number, Promise<WeeklyHistory>>();

/** Whether a year of weekly history has been asked for (and not failed). */
export const hasYear = (year: number): boolean => weekly.has(year);

export function weeklyYear(year: number): Promise<WeeklyHistory> {
  let pending = weekly.get(year);
  if (!pending) {
    pending = json<WeeklyHistory>(`/api/v1/page/weekly/${year}`);
    pending.catch(() => weekly.delete(year));
    weekly.set(year, pending);
  }
  return pending;
}

/** Every year of weekly history, fetched once for all of the components' adoption tables. */
let allYears: Promise<WeeklyHistory[]> | null = null;
export function everyYear(page: PageData): Promise<WeeklyHistory[]> {
  if (!allYears) {
    allYears = Promise.all(yearsFor(page, "all").map(weeklyYear));
    allYears.catch(() => {
      allYears = null;
    });
  }
  return allYears;
}
