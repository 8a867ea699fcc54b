/**
 * `npm run restore -- FILE`: puts SUMMARY back exactly as a backup of `npm run backup` holds it
 * (scripts/lib/backup.ts): every key of the backup with its value, and every key SUMMARY holds
 * that the backup lacks deleted. That is what undoes a bad summarizer deploy or a wrong import.
 *
 *   npm run restore -- [--env dev|production|local] [--persist-to DIR] [--dry-run] [--yes] FILE
 *
 * Targets as `npm run import` (scripts/lib/target.ts). The file is checked first (format,
 * version, key count, checksum), then its content (every key of SUMMARY's layout, every value
 * the bytes the store itself writes for it, `_page` the page of those chunks, no `_journal`:
 * shared/src/store/check.ts), and refused whole if anything is off. Then SUMMARY is read
 * (one key list, a bulk read per hundred keys), the plan printed (keys to put, to delete,
 * unchanged), and only what differs written: a `wrangler kv bulk put` per 40 MB, one `bulk
 * delete`; a restore that failed part way is finished by running it again.
 * --dry-run stops after the plan; a deployed namespace asks first unless --yes. Just before
 * writing, the keys about to be written are read again, and nothing is written if a summary
 * run changed one meanwhile (scripts/lib/wrangler-kv.ts).
 */
import { summaryProblems } from "@pulp-analytics/shared/store";
import { planRestore, readBackup } from "../lib/backup";
import { shown } from "../lib/shown";
import { confirm, liveRules, progressLine, startTool, TARGET_USAGE } from "../lib/target";
import { WranglerSummaryKV } from "../lib/wrangler-kv";

const USAGE = `usage: npm run restore -- ${TARGET_USAGE} [--dry-run] [--yes] FILE`;

/** Keys read per wrangler call (one bulk read each), and per progress line. */
const BATCH = 100;

const { values, file, root, target, where, fail } = startTool("restore", USAGE, {
  "dry-run": { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
});

const started = performance.now();
const count = (n: number) => n.toLocaleString("en");
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

const backup = await readBackup(file).catch((error: unknown) => fail((error as Error).message));
// A matching checksum proves the file is the one written, not that it holds a SUMMARY, nor one
// that follows the target's live rules (its allowlist, its versions).
const problems = await summaryProblems(backup.entries, await liveRules(target, root));
if (problems.length > 0) {
  fail(
    `${file} is not a SUMMARY this service could have written; nothing written:\n${problems.map((p) => `  ${shown(p)}`).join("\n")}`,
  );
}
process.stderr.write(
  `${file}: a backup of ${shown(backup.source)} taken ${shown(backup.takenAt)}, ${count(backup.count)} keys, checksum and content verified\n`,
);

const kv = new WranglerSummaryKV(target, root, "restore");
const names = await kv.list().catch((error: unknown) => fail((error as Error).message));
const current = new Map<string, string>();
const progress = progressLine();
for (let i = 0; i < names.length; i += BATCH) {
  const got = await kv
    .getMany(names.slice(i, i + BATCH))
    .catch((error: unknown) => fail((error as Error).message));
  for (const [key, value] of got) current.set(key, value);
  const done = Math.min(i + BATCH, names.length);
  progress.update(
    `read ${count(done)}/${count(names.length)} keys of ${where}`,
    done === names.length,
  );
}
progress.done();

const plan = planRestore(backup.entries, current);
const bytes = (key: string) => Buffer.byteLength(backup.entries.get(key) as string);
const putBytes = plan.puts.reduce((n, key) => n + bytes(key), 0);
const lines = [
  "",
  `Plan for ${where}, to equal the backup (${shown(backup.source)}, ${shown(backup.takenAt)}):`,
  `  keys to put: ${count(plan.puts.length)} (${mb(putBytes)} MB); keys to delete: ${count(plan.deletes.length)}; unchanged: ${count(plan.unchanged)}`,
  ...plan.puts.map(
    (key) => `    put ${shown(key)} (${count(bytes(key))} bytes${current.has(key) ? "" : ", new"})`,
  ),
  ...plan.deletes.map((key) => `    delete ${shown(key)}`),
];
process.stdout.write(`${lines.join("\n")}\n`);

if (values["dry-run"]) {
  process.stdout.write("\nDry run: nothing written.\n");
} else if (plan.puts.length + plan.deletes.length === 0) {
  process.stdout.write("\nNothing to write: SUMMARY already equals the backup.\n");
} else {
  if (!target.local && !values.yes) {
    await confirm(
      `Make ${where} equal the backup (${count(plan.puts.length)} puts, ${count(plan.deletes.length)} deletes)?`,
      fail,
    );
  }
  for (const key of plan.puts) await kv.put(key, backup.entries.get(key) as string);
  for (const key of plan.deletes) await kv.delete(key);
  await kv.flush().catch((error: unknown) => fail((error as Error).message));
  process.stdout.write(`\nRestored ${where} from ${file}.\n`);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `Took ${seconds.toFixed(1)} s, ${kv.calls} wrangler calls, peak memory ${mb(process.resourceUsage().maxRSS * 1024)} MB.\n`,
);
