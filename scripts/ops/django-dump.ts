/**
 * A Django `manage.py dumpdata` of the summary tables (docs/migration.md) for the release
 * calendar of fixtures/src/calendar.ts: what an operator would bring to `npm run import`.
 *
 *   node scripts/run.mjs scripts/ops/django-dump.ts --years 5 --installations 10000 OUT.json
 *                                             [--seed 1] [--last-day YYYY-MM-DD]
 *
 * Written as dumpdata writes without --indent: one JSON array on one line, Python's spacing,
 * model after model in the command's order, each model's rows by primary key (the order they
 * were inserted: day by day, a day's rows in the order the summarize command met them, which
 * is shuffled here). In-house components off the allowlist are in it, as in the real tables.
 * Streamed to disk: a five-year dump is hundreds of MB. The last day defaults to yesterday, so
 * the imported history ends where the local stack's own days begin.
 */
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";
import {
  DJANGO_DUMP_ORDER,
  type DjangoRecord,
  djangoRecords,
  ReleaseCalendar,
} from "@pulp-analytics/fixtures/calendar";
import { random, shuffle } from "@pulp-analytics/fixtures/random";
import { DAY_MS, parseIsoDay, startOfUtcDay } from "@pulp-analytics/shared/config";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    years: { type: "string", default: "5" },
    installations: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    "last-day": { type: "string" },
  },
});

const out = positionals[0];
const years = Number(values.years);
const installations = Number(values.installations);
const seed = Number(values.seed);
const lastDay =
  values["last-day"] === undefined
    ? startOfUtcDay(Date.now()) - DAY_MS
    : parseIsoDay(values["last-day"]);
if (
  !out ||
  !(years > 0) ||
  !Number.isInteger(installations) ||
  installations < 1 ||
  !Number.isInteger(seed) ||
  lastDay === null
) {
  process.stderr.write(
    "usage: node scripts/run.mjs scripts/ops/django-dump.ts --years N --installations N [--seed N] [--last-day YYYY-MM-DD] OUT.json\n",
  );
  process.exit(2);
}

const calendar = new ReleaseCalendar({ years, installations, lastDay, seed });
const started = performance.now();
const file = createWriteStream(out);
let buffered: string[] = [];
let bufferedLength = 0;
let bytes = 0;
let rows = 0;
let first = true;

/** Python's json.dumps spacing, as Django's serializer writes. */
function serialize(record: DjangoRecord, pk: number | string): string {
  const fields = Object.entries(record.fields)
    .map(([name, value]) => `"${name}": ${JSON.stringify(value)}`)
    .join(", ");
  return `{"model": "${record.model}", "pk": ${JSON.stringify(pk)}, "fields": {${fields}}}`;
}

async function write(text: string): Promise<void> {
  buffered.push(text);
  bufferedLength += text.length;
  if (bufferedLength < 1 << 20) return;
  await flush();
}

async function flush(): Promise<void> {
  const chunk = buffered.join("");
  buffered = [];
  bufferedLength = 0;
  bytes += Buffer.byteLength(chunk);
  if (!file.write(chunk)) await new Promise<void>((resolve) => file.once("drain", () => resolve()));
}

await write("[");
const days = calendar.days();
for (const [m, model] of DJANGO_DUMP_ORDER.entries()) {
  let pk = 0;
  for (const day of days) {
    const rowsOfDay = calendar.djangoDay(day);
    if (!rowsOfDay) continue;
    for (const record of shuffle(random(seed, day / DAY_MS, m), djangoRecords(rowsOfDay, model))) {
      pk++;
      await write(`${first ? "" : ", "}${serialize(record, record.pk ?? pk)}`);
      first = false;
      rows++;
    }
  }
  process.stderr.write(
    `${model}: ${pk.toLocaleString("en")} rows (${((performance.now() - started) / 1000).toFixed(1)} s)\n`,
  );
}
await write("]");
await flush();
await new Promise<void>((resolve, reject) =>
  file.end((error?: Error | null) => (error ? reject(error) : resolve())),
);

const gaps = days.filter((day) => calendar.isGap(day)).length;
process.stdout.write(
  `${out}: ${rows.toLocaleString("en")} rows, ${(bytes / 1e6).toFixed(1)} MB, ${days.length} days (${gaps} without a summary), ${installations.toLocaleString("en")} installations on the last day, in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
