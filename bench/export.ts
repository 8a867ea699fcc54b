/**
 * The CSV export at its design size, in Node: ten years of 40 groups shaped like 100,000
 * installations' history (400 exact core versions a year, each alive 250 days; 120 for the
 * other plugins; every other group as in production), chunks made on demand so that only what
 * the export holds is on the heap. Prints the CSV size, the biggest chunk, the peak heap seen
 * and the time. Run it under a heap cap to show the export fits one:
 *
 *     NODE_OPTIONS=--max-old-space-size=64 node scripts/run.mjs bench/export.ts
 *
 * Not part of `npm run bench` (it measures memory, which needs its own process and cap).
 */

import { DAY_MS } from "@pulp-analytics/shared/config";
import { EXPORT_BATCH, exportChunks, exportCsv } from "@pulp-analytics/shared/opendata";
import { chunkKey, parseChunkKey, serializeChunk, yearStart } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { DEFAULT_PUBLISHED_COMPONENTS } from "@pulp-analytics/shared/summary";

const YEARS = Array.from({ length: 10 }, (_, i) => 2017 + i);

/** Group → series in a year, days each lives. */
const GROUPS = new Map<string, [number, number]>();
for (const c of DEFAULT_PUBLISHED_COMPONENTS) {
  GROUPS.set(`versions_xyz__${c}`, [c === "core" ? 400 : 120, 250]);
  GROUPS.set(`versions__${c}`, [c === "core" ? 60 : 25, 365]);
}
GROUPS.set("systems", [2, 365]);
GROUPS.set("postgresql", [12, 365]);
GROUPS.set("age", [18, 365]);
for (const m of ["processes", "hosts"]) {
  GROUPS.set(`online_workers__${m}`, [3, 365]);
  GROUPS.set(`online_content_apps__${m}`, [3, 365]);
}
for (const m of ["users", "groups", "domains", "custom_access_policies", "custom_roles"]) {
  GROUPS.set(`rbac__${m}`, [18, 365]);
}

function chunkText(group: string, year: number): string {
  const [count, life] = GROUPS.get(group) as [number, number];
  const start = yearStart(year);
  const series = new Map<string, Point[]>();
  for (let s = 0; s < count; s++) {
    const first = Math.floor((s * 365) / count) % Math.max(1, 366 - life);
    const points: Point[] = [];
    for (let d = first; d < Math.min(365, first + life); d++) {
      points.push([start + d * DAY_MS, 1000 + ((s * 7919 + d * 104729) % 99000)]);
    }
    series.set(`${group}__${s}.${year % 100}.${s % 7}`, points);
  }
  return serializeChunk(year, series) as string;
}

const names = [...GROUPS.keys()].flatMap((group) => YEARS.map((year) => chunkKey(group, year)));
let biggest = 0;
let peak = 0;
let bytes = 0;
let reads = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().heapUsed);
};
const started = performance.now();
const chunks = exportChunks(names);
const rows = exportCsv(chunks, async (keys) => {
  reads++;
  const texts = new Map<string, string>();
  for (const key of keys) {
    const { group, year } = parseChunkKey(key) as { group: string; year: number };
    const text = chunkText(group, year);
    biggest = Math.max(biggest, text.length);
    texts.set(key, text);
  }
  sample();
  return texts;
});
for await (const part of rows) {
  bytes += part.length;
  sample();
}
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
console.log(
  `| ${chunks.length} chunks, ${reads} bulk reads of ≤ ${EXPORT_BATCH} | CSV ${mb(bytes)} | biggest chunk ${mb(biggest)} | peak heap ${mb(peak)} | ${Math.round(performance.now() - started)} ms (chunks made on the fly included) |`,
);
