/**
 * `npm run import:verify -- FILE [--url URL] [--days N]`: after `npm run import -- FILE`, checks
 * what the public series API serves against the dump itself (docs/operations.md).
 *
 * The dump is read again (the same streaming and mapping as the import), N days are sampled
 * evenly across it, and for each series with a point on a sampled day the whole series is
 * fetched from `GET /api/v1/series/<key>` and that day's point compared; a sampled day's series
 * that the API has but the dump does not are reported too, and so is any published key naming a
 * component off the allowlist. Days SUMMARY already had before the import (the service's own,
 * which win) are expected to differ: they are listed, not hidden.
 */
import { parseArgs } from "node:util";
import { isoDay } from "@pulp-analytics/shared/config";
import { DumpImport } from "@pulp-analytics/shared/migration";
import type { DayPoints } from "@pulp-analytics/shared/store";
import { type Point, VERSIONS_PREFIX, VERSIONS_XYZ_PREFIX } from "@pulp-analytics/shared/summary";
import { readDump } from "../lib/dump-reader";
import { repositoryRoot } from "../lib/stack";
import { liveRules } from "../lib/target";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? "8787"}` },
    days: { type: "string", default: "12" },
    env: { type: "string", default: "dev" },
  },
});
const file = positionals[0];
const sample = Number(values.days);
if (!file || !(sample >= 1)) {
  process.stderr.write(
    "usage: npm run import:verify -- FILE [--url URL] [--days N] [--env dev|production]\n",
  );
  process.exit(2);
}
const origin = values.url.replace(/\/+$/, "");
// The rules the import applied (liveRules): rows it refused are not compared.
const rules = await liveRules(
  { env: values.env as "dev" | "production", local: false },
  repositoryRoot(),
);
const { publishedComponents } = rules;
const importer = new DumpImport(rules);
await readDump(file, importer);
const days: DayPoints[] = [];
for (const year of importer.years()) days.push(...importer.takeYear(year));
if (days.length === 0) {
  process.stderr.write(`${file} has no day to verify\n`);
  process.exit(1);
}
const step = Math.max(1, (days.length - 1) / Math.max(1, sample - 1));
const sampled = [
  ...new Set(Array.from({ length: Math.min(sample, days.length) }, (_, i) => Math.round(i * step))),
].map((i) => days[Math.min(i, days.length - 1)] as DayPoints);
const sampledDays = new Set(sampled.map((d) => d.day));

async function json<T>(path: string): Promise<T> {
  const response = await fetch(`${origin}${path}`);
  if (!response.ok) throw new Error(`GET ${path}: ${response.status}`);
  return (await response.json()) as T;
}

const published = (await json<{ keys: string[] }>("/api/v1/series")).keys;
const offAllowlist = published.filter((key) => {
  const prefix = [VERSIONS_XYZ_PREFIX, VERSIONS_PREFIX].find((p) => key.startsWith(p));
  return (
    prefix !== undefined && !publishedComponents.has(key.slice(prefix.length).split("__")[0] ?? "")
  );
});

const expected = new Map<string, Map<number, number>>();
for (const { day, points } of sampled) {
  for (const [key, value] of points) {
    if (!expected.has(key)) expected.set(key, new Map());
    expected.get(key)?.set(day, value);
  }
}

let compared = 0;
const mismatches = new Map<number, string[]>();
const differ = (day: number, what: string) => {
  if (!mismatches.has(day)) mismatches.set(day, []);
  mismatches.get(day)?.push(what);
};
// Every published series, so that a point the dump does not have on a sampled day shows too.
const keys = [...new Set([...published, ...expected.keys()])].sort();
for (const [i, key] of keys.entries()) {
  const served = published.includes(key)
    ? await json<Point[]>(`/api/v1/series/${encodeURIComponent(key)}`)
    : [];
  const byDay = new Map(served.filter(([day]) => sampledDays.has(day)));
  const wanted = expected.get(key) ?? new Map<number, number>();
  for (const day of sampledDays) {
    const want = wanted.get(day);
    const got = byDay.get(day);
    if (want === undefined && got === undefined) continue;
    compared++;
    if (want !== got) differ(day, `${key}: dump ${want ?? "no point"}, API ${got ?? "no point"}`);
  }
  if (process.stderr.isTTY && i % 50 === 0) process.stderr.write(`\rseries ${i}/${keys.length}`);
}
if (process.stderr.isTTY) process.stderr.write("\n");

const lines = [
  `Sampled ${sampled.length} of ${days.length} days (${sampled.map((d) => isoDay(d.day)).join(", ")}).`,
  `Compared ${compared.toLocaleString("en")} points over ${keys.length.toLocaleString("en")} series from ${origin}.`,
  `Published keys naming a component off the allowlist: ${offAllowlist.length}${offAllowlist.length ? ` (${offAllowlist.slice(0, 5).join(", ")})` : ""}.`,
];
for (const [day, what] of [...mismatches].sort((a, b) => a[0] - b[0])) {
  lines.push(`${isoDay(day)}: ${what.length} points differ (a day SUMMARY had before the import?)`);
  lines.push(...what.slice(0, 5).map((w) => `  ${w}`));
}
lines.push(
  mismatches.size === 0 && offAllowlist.length === 0
    ? "OK: the API serves the dump."
    : "DIFFERENCES found.",
);
process.stdout.write(`${lines.join("\n")}\n`);
process.exit(mismatches.size === 0 && offAllowlist.length === 0 ? 0 : 1);
