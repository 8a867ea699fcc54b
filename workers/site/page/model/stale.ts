/** The stale notice under "Data as of" (docs/contract.md#4-public-read-api). */
import { isoDay } from "@pulp-analytics/shared/config";
import { healthOf } from "@pulp-analytics/shared/opendata";
import type { PageData } from "@pulp-analytics/shared/store";

/**
 * The stale notice (docs/contract.md#4-public-read-api): shown when the page's data is stale by the rule of
 * `GET /api/v1/health` ({@link healthOf}), or null while it is fresh (or empty).
 */
export function staleNotice(
  page: Pick<PageData, "asOf" | "generatedAt">,
  now: number,
): string | null {
  if (page.asOf === null || healthOf(page, now, 0).status !== "stale") return null;
  return `The latest summary is from ${isoDay(page.asOf)}; the data may be out of date.`;
}
