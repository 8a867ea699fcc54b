/**
 * `npm run import -- FILE`: Pulp's history from before this service into SUMMARY (docs/contract.md#6-the-local-stack,
 * docs/migration.md), from a Django `manage.py dumpdata` of the summary tables or a `{key: value}`
 * dump of the 2022 worker's SUMMARY.
 *
 *   npm run import -- FILE [--dry-run] [--env dev|production|local] [--persist-to DIR]
 *                          [--replace-days] [--yes] [--skip-malformed]
 *
 * Without --env it writes the local stack's SUMMARY (`.wrangler/state`, as `npm start` keeps it),
 * whether the stack runs or not; with --env, that deployed namespace through wrangler (logged in)
 * (scripts/lib/target.ts). A backup file of `npm run backup` is refused: `npm run restore` loads
 * those, exactly.
 * The dump is streamed (shared/src/migration/import.ts maps each record), then applied one calendar year at
 * a time with the store's `applyDays`, which merges with what SUMMARY holds: a day SUMMARY already
 * has is left alone (the service's own summaries win) unless --replace-days, so a second import
 * changes nothing. Everything is planned before anything is written; the plan is printed, and a
 * remote write asks first (or needs --yes).
 */

import { DumpImport } from "@pulp-analytics/shared/migration";
import { applyDays } from "@pulp-analytics/shared/store";
import { isBackupFile } from "../lib/backup";
import { readDump, tallyLines } from "../lib/dump-reader";
import { confirm, liveRules, progressLine, startTool, TARGET_USAGE } from "../lib/target";
import { WranglerSummaryKV } from "../lib/wrangler-kv";

const USAGE = `usage: npm run import -- FILE [--dry-run] ${TARGET_USAGE} [--replace-days] [--yes] [--skip-malformed]`;

const { values, file, root, target, where, fail } = startTool("import", USAGE, {
  "dry-run": { type: "boolean", default: false },
  "replace-days": { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
  "skip-malformed": { type: "boolean", default: false },
});
if (await isBackupFile(file).catch(() => false)) {
  fail(
    `${file} is a backup of SUMMARY (npm run backup), not a history dump: load it with \`npm run restore -- ${file}\`, which puts SUMMARY back exactly as the backup holds it.`,
  );
}

// The rules of the namespace's live check-ins (its summarizer's allowlist, the versions its
// ingest accepts): history is published as it is, so it must follow them too.
const rules = await liveRules(target, root);

const started = performance.now();
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
const count = (n: number) => n.toLocaleString("en");
const progress = progressLine();

const importer = new DumpImport(rules);
const format = await readDump(file, importer, {
  onProgress: ({ bytes, totalBytes, records, elapsedMs }) => {
    const seconds = elapsedMs / 1000;
    progress.update(
      `read ${mb(bytes)}/${mb(totalBytes)} MB (${Math.round((bytes / totalBytes) * 100)} %), ${count(records)} records, ${count(Math.round(records / Math.max(seconds, 0.001)))} records/s, ${mb(bytes / Math.max(seconds, 0.001))} MB/s`,
      bytes === totalBytes,
    );
  },
}).catch((error: unknown) => fail(`cannot read ${file}: ${(error as Error).message}`));
progress.done();
const readSeconds = (performance.now() - started) / 1000;

const series = new Set<string>();
let points = 0;
let daysRead = 0;
const applied: string[] = [];
const kept: string[] = [];
const kv = new WranglerSummaryKV(target, root);
for (const year of importer.years()) {
  const days = importer.takeYear(year);
  if (days.length === 0) continue;
  daysRead += days.length;
  for (const day of days) {
    points += day.points.size;
    for (const key of day.points.keys()) series.add(key);
  }
  const result = await applyDays(kv, days, {
    now: Date.now(),
    keepStoredDays: !values["replace-days"],
  });
  applied.push(...result.daysApplied);
  kept.push(...result.daysKept);
  process.stderr.write(
    `planned ${year}: ${result.daysApplied.length} days to write, ${result.daysKept.length} already in SUMMARY\n`,
  );
}

process.stdout.write(`${tallyLines(format, importer.tally).join("\n")}\n`);
const plan = kv.heldWrites();
const bytes = plan.puts.reduce((n, [, size]) => n + size, 0);
const lines = [
  "",
  `Plan for ${where}:`,
  `  days in the dump: ${count(daysRead)}${daysRead > 0 ? ` (${spanOf([...applied, ...kept])})` : ""}, ${count(series.size)} series, ${count(points)} points`,
  `  days to write: ${count(applied.length)}${applied.length > 0 ? ` (${spanOf(applied)})` : ""}`,
  `  days left alone (SUMMARY has them${values["replace-days"] ? "" : "; --replace-days to overwrite"}): ${count(kept.length)}${kept.length > 0 ? ` (${spanOf(kept)})` : ""}`,
  `  keys to put: ${count(plan.puts.length)} (${mb(bytes)} MB); keys to delete: ${count(plan.deletes.length)}`,
  ...plan.puts.map(([key, size]) => `    put ${key} (${count(size)} bytes)`),
  ...plan.deletes.map((key) => `    delete ${key}`),
];
process.stdout.write(`${lines.join("\n")}\n`);

if (importer.tally.malformed > 0 && !values["skip-malformed"]) {
  fail(
    `${count(importer.tally.malformed)} records are not what their model holds (see above); nothing written. --skip-malformed writes the rest.`,
  );
}
if (values["dry-run"]) {
  process.stdout.write("\nDry run: nothing written.\n");
} else if (plan.puts.length + plan.deletes.length === 0) {
  process.stdout.write("\nNothing to write: SUMMARY already holds this history.\n");
} else {
  if (!target.local && !values.yes) await confirm(`Write this to ${where}?`, fail);
  await kv.flush().catch((error: unknown) => fail((error as Error).message));
  process.stdout.write(`\nWritten to ${where}.\n`);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `Took ${seconds.toFixed(1)} s (reading ${readSeconds.toFixed(1)} s), ${kv.calls} wrangler calls, peak memory ${mb(process.resourceUsage().maxRSS * 1024)} MB.\n`,
);

function spanOf(days: string[]): string {
  const sorted = [...days].sort();
  return `${sorted[0]} … ${sorted[sorted.length - 1]}`;
}
