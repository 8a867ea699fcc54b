/**
 * Pure aggregation throughput (Node): `summarizeDay` over 100,000 records of the benchmark
 * population, the whole summarization rule with no KV in it.
 */

import { recordOf } from "@pulp-analytics/fixtures/population";
import {
  parseSummaryConfig,
  type SystemRecord,
  summarizeDay,
} from "@pulp-analytics/shared/summary";

const DAY = Date.parse("2026-11-20T00:00:00Z");
const RECORDS = 100_000;
const ROUNDS = 5;

export function benchAggregate(): string {
  const records: SystemRecord[] = Array.from({ length: RECORDS }, (_, i) => recordOf(i, DAY));
  // Production rules: persistent from one day of age, the default allowlist.
  const config = parseSummaryConfig({ persistentMinAgeDays: "1" });
  const rates: number[] = [];
  let series = 0;
  summarizeDay(DAY, records, config); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    const summary = summarizeDay(DAY, records, config);
    rates.push(RECORDS / ((performance.now() - started) / 1000));
    series = summary.points.size;
    if (summary.systems !== RECORDS) throw new Error(`summarized ${summary.systems} systems`);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(ROUNDS / 2)] as number;
  return [
    `\`summarizeDay\` over ${RECORDS.toLocaleString("en")} records (${series.toLocaleString("en")} series points), ${ROUNDS} rounds after a warm-up:`,
    `median **${Math.round(median).toLocaleString("en")} records/s** (min ${Math.round(rates[0] as number).toLocaleString("en")}, max ${Math.round(rates[ROUNDS - 1] as number).toLocaleString("en")}),`,
    `i.e. ${((RECORDS / median) * 1000).toFixed(0)} ms per 100,000 installations.`,
  ].join("\n");
}
