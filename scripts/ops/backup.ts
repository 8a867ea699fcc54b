/**
 * `npm run backup -- FILE`: everything SUMMARY holds, every key and its value byte for byte,
 * into one file (scripts/lib/backup.ts) that `npm run restore` puts back.
 *
 *   npm run backup -- [--env dev|production|local] [--persist-to DIR] FILE
 *
 * Without --env (or with --env local) it reads the local stack's SUMMARY (`.wrangler/state`, or
 * --persist-to DIR), whether `npm start` runs or not; with --env dev|production, that deployed
 * namespace through wrangler (logged in). It only reads SUMMARY: one key list, then a bulk read
 * per hundred keys. RAW is not backed up (docs/operations.md, "Backups").
 */
import { JOURNAL_KEY, summaryProblems } from "@pulp-analytics/shared/store";
import { writeBackup } from "../lib/backup";
import { shown } from "../lib/shown";
import { liveRules, progressLine, startTool, TARGET_USAGE, targetName } from "../lib/target";
import { WranglerSummaryKV } from "../lib/wrangler-kv";

const USAGE = `usage: npm run backup -- ${TARGET_USAGE} FILE`;

/** Keys read per wrangler call (one bulk read each), and per progress line. */
const BATCH = 100;

const { file, root, target, where, fail } = startTool("backup", USAGE, {});

const started = performance.now();
const count = (n: number) => n.toLocaleString("en");
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

const kv = new WranglerSummaryKV(target, root);
const takenAt = new Date();
const names = await kv.list().catch((error: unknown) => fail((error as Error).message));
process.stderr.write(`${where}: ${count(names.length)} keys\n`);

const entries = new Map<string, string>();
const progress = progressLine();
for (let i = 0; i < names.length; i += BATCH) {
  const batch = names.slice(i, i + BATCH);
  const got = await kv.getMany(batch).catch((error: unknown) => fail((error as Error).message));
  for (const [key, value] of got) entries.set(key, value);
  const done = Math.min(i + BATCH, names.length);
  progress.update(
    `read ${count(done)}/${count(names.length)} keys, ${((performance.now() - started) / 1000).toFixed(0)} s`,
    done === names.length,
  );
}
progress.done();
// A key listed then deleted before it was read (a summary run deleting an emptied chunk) is
// simply not in the backup: it was on its way out.
const vanished = names.length - entries.size;

const written = await writeBackup(file, entries, {
  takenAt,
  source: targetName(target),
}).catch((error: unknown) => fail(`cannot write ${file}: ${(error as Error).message}`));

const problems = await summaryProblems(entries, await liveRules(target, root));
const seconds = (performance.now() - started) / 1000;
const lines = [
  `Backed up ${where} to ${file}:`,
  `  ${count(written.header.count)} keys, ${mb(written.bytes)} MB, taken ${written.header.takenAt}, sha256 ${written.header.sha256}`,
  ...(vanished > 0
    ? [`  ${count(vanished)} keys listed were gone when read (not in the backup)`]
    : []),
  ...(problems.length > 0
    ? [
        "  This backup holds what a restore refuses (it keeps everything, for a look; restore a good one):",
        ...problems.map((problem) => `    ${shown(problem)}`),
        ...(entries.has(JOURNAL_KEY)
          ? [
              `  ${JOURNAL_KEY}: a summary run's writes were incomplete; once the finishing cron (or a rerun) has finished them, back up again.`,
            ]
          : []),
      ]
    : []),
  `Took ${seconds.toFixed(1)} s, ${kv.calls} wrangler calls, peak memory ${mb(process.resourceUsage().maxRSS * 1024)} MB. Restore with: npm run restore -- ${target.local ? `--persist-to ${target.persistTo}` : `--env ${target.env}`} ${file}`,
];
process.stdout.write(`${lines.join("\n")}\n`);
