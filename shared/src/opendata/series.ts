/**
 * The site's pure core: which series a request names, and how a series looks as CSV. The site
 * worker is a thin shell around these and the page data of shared/src/store/views.ts.
 */

import { isoDay } from "../config/time";
import { PAGE_VERSION, type PageData } from "../store/views";
import { isSeriesKey, type Point } from "../summary/keys";

type SeriesFormat = "json" | "csv";

export interface SeriesRequest {
  key: string;
  format: SeriesFormat;
}

const CSV_SUFFIX = ".csv";

/**
 * The series named by the last path segment of `/api/v1/series/<key>[.csv]`, or null when the
 * name cannot be a published series key (so it never reaches KV).
 */
export function parseSeriesRequest(name: string): SeriesRequest | null {
  const format: SeriesFormat = name.endsWith(CSV_SUFFIX) ? "csv" : "json";
  const key = format === "csv" ? name.slice(0, -CSV_SUFFIX.length) : name;
  return isSeriesKey(key) ? { key, format } : null;
}

const CSV_HEADER = "timestamp,date,value";

/** A series as CSV: a header row, then one row per point, oldest first; CRLF per RFC 4180. */
export function seriesCsv(points: readonly Point[]): string {
  const rows = points.map(([at, value]) => `${at},${isoDay(at)},${value}`);
  return `${[CSV_HEADER, ...rows].join("\r\n")}\r\n`;
}

/** What the page data is before the summarizer's first run: the page shows its empty state. */
export const EMPTY_PAGE: PageData = {
  v: PAGE_VERSION,
  generatedAt: 0,
  asOf: null,
  recent: { start: 0, series: {} },
  latestXyz: {},
  years: [],
};
