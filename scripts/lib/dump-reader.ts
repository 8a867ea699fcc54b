/**
 * Reads a history dump from disk into a {@link DumpImport}, one top-level record at a time:
 * a five-year Django dumpdata is hundreds of MB, which neither `readFileSync` nor `JSON.parse`
 * should hold at once. @streamparser/json emits each element of the top-level array (Django)
 * or each member of the top-level object (2022 worker) and keeps nothing of it afterwards.
 * While a record is being read, the parser holds it whole, so one record is bounded:
 * {@link MAX_DUMP_RECORD_BYTES}.
 */
import { createReadStream, statSync } from "node:fs";
import {
  type DumpFormat,
  type DumpImport,
  detectDumpFormat,
  type ImportTally,
} from "@pulp-analytics/shared/migration";
import { JSONParser } from "@streamparser/json";
import { quoted, shown } from "./shown";

/**
 * The longest top-level record a dump may hold: 1 MiB. A Django summary row is a few hundred
 * bytes; a 2022 worker series is one point a day, about 25 bytes each, so ten years of it are
 * under 100 KB even as bulk get's escaped text. A longer record is refused as soon as the reader
 * has read 1 MiB of it (and at most 64 KiB more), before any of it is used or anything written.
 */
export const MAX_DUMP_RECORD_BYTES = 1024 * 1024;
/** Bytes handed to the parser at a time: the precision of the bound above. */
const SLICE = 64 * 1024;

interface ReadProgress {
  bytes: number;
  totalBytes: number;
  records: number;
  elapsedMs: number;
}

export interface ReadOptions {
  /** Called at most every `progressEveryMs` while reading, and once at the end. */
  onProgress?: (progress: ReadProgress) => void;
  progressEveryMs?: number;
}

export async function readDump(
  path: string,
  importer: DumpImport,
  options: ReadOptions = {},
): Promise<DumpFormat> {
  const totalBytes = statSync(path).size;
  const started = performance.now();
  const every = options.progressEveryMs ?? 1000;
  let lastReported = started;
  let bytes = 0;
  let format: DumpFormat | null = null;
  const report = () =>
    options.onProgress?.({
      bytes,
      totalBytes,
      records: importer.tally.records,
      elapsedMs: performance.now() - started,
    });

  const parser = new JSONParser({ paths: ["$.*"], keepStack: false });
  // Bytes fed to the parser, and the bytes fed before the slice in which the last record ended.
  let fed = 0;
  let fedBefore = 0;
  let recordFrom = 0;
  parser.onValue = ({ value, key }) => {
    recordFrom = fedBefore;
    if (format === "django") importer.addDjangoRecord(value);
    else importer.addWorkerSeries(String(key), value);
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let data = chunk as Buffer;
    bytes += data.length;
    if (format === null) {
      // A byte-order mark (some editors write one) is not JSON; leading blank chunks say nothing.
      if (bytes === data.length && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) {
        data = data.subarray(3);
      }
      const head = data.toString("utf8", 0, Math.min(data.length, 4096));
      if (head.trim() === "") continue;
      format = detectDumpFormat(head);
      if (format === null) {
        throw new Error(
          `${path} is neither a Django dumpdata (a JSON array) nor a {key: value} dump (a JSON object)`,
        );
      }
    }
    for (let at = 0; at < data.length; at += SLICE) {
      const slice = data.subarray(at, at + SLICE);
      fedBefore = fed;
      parser.write(slice);
      fed += slice.length;
      if (fed - recordFrom > MAX_DUMP_RECORD_BYTES) {
        throw new Error(
          `${path} holds a record over ${MAX_DUMP_RECORD_BYTES / 2 ** 20} MiB (from about byte ${recordFrom.toLocaleString("en")}; read ${bytes.toLocaleString("en")} of ${totalBytes.toLocaleString("en")}): a summary row or series is far smaller; not reading further (nothing written)`,
        );
      }
    }
    if (performance.now() - lastReported >= every) {
      lastReported = performance.now();
      report();
    }
  }
  if (format === null) throw new Error(`${path} is empty`);
  if (!parser.isEnded) parser.end();
  report();
  return format;
}

/**
 * What an import read, for the operator: one line each. Model names and problems come from the
 * dump, so they are escaped (scripts/lib/shown.ts).
 */
export function tallyLines(format: DumpFormat, tally: ImportTally): string[] {
  const count = (n: number) => n.toLocaleString("en");
  return [
    `Read a ${format === "django" ? "Django dumpdata" : "2022 worker dump"}: ${count(tally.records)} records.`,
    ...Object.entries(tally.used).map(([what, n]) => `  used: ${shown(what)}: ${count(n)}`),
    ...[...tally.ignoredModels].map(
      ([model, n]) => `  ignored (not a summary table): ${quoted(model)}: ${count(n)}`,
    ),
    `  components off the allowlist (not published): ${count(tally.offAllowlist)}`,
    `  not one of our series: ${count(tally.notOurs)}`,
    `  rows for days Django never summarized (no dailysummary row): ${count(tally.unsummarized)}`,
    `  malformed: ${count(tally.malformed)}`,
    ...tally.problems.map((problem) => `    ${shown(problem)}`),
  ];
}
