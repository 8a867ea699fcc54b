/**
 * `npm run demo`: fills a running local stack (`npm start`) with 90 days of history, through the
 * real front door, so the page shows every chart (issue 5).
 *
 *   npm run demo [-- --systems 300 --days 90 --seed 1 --url http://127.0.0.1:8787]
 *
 * Day by day, oldest first: post that day's check-ins with X-Pulp-Analytics-Time set to the
 * simulated time (contract §7), then `PUT /?day=YYYY-MM-DD` to summarize it. Run it on empty
 * local state (`rm -rf .wrangler/state` with the stack stopped): replaying the same installations
 * over newer check-ins would move their last check-in back in time.
 */
import { parseArgs } from "node:util";
import { HEADER } from "@pulp-analytics/shared/names";
import { isoDay, startOfUtcDay } from "@pulp-analytics/shared/time";
import { encode } from "./demo/bodies";
import { type DemoCheckIn, PRIVATE_PLUGINS, simulate } from "./demo/population";

const { values } = parseArgs({
  options: {
    systems: { type: "string", default: "300" },
    days: { type: "string", default: "90" },
    seed: { type: "string", default: "1" },
    url: { type: "string", default: `http://127.0.0.1:${process.env.PORT ?? "8787"}` },
    concurrency: { type: "string", default: "8" },
  },
});

const positive = (name: keyof typeof values): number => {
  const value = Number(values[name]);
  if (!Number.isInteger(value) || value < 1) fail(`--${name} must be a whole number above 0`);
  return value;
};

function fail(message: string): never {
  process.stderr.write(`\ndemo: ${message}\n`);
  process.exit(1);
}

const origin = String(values.url).replace(/\/+$/, "");
const concurrency = positive("concurrency");
const now = Date.now();
const demo = simulate({
  systems: positive("systems"),
  days: positive("days"),
  seed: positive("seed"),
  lastDay: startOfUtcDay(now),
  now,
});

const tally = { posted: 0, rejected: 0, summaries: 0 };
const rejections: string[] = [];
const total = demo.history.length + demo.days.reduce((n, d) => n + d.checkIns.length, 0);

/** One line on stderr, rewritten in place on a terminal, every tenth of the way otherwise. */
let lastPrinted = -1;
function progress(label: string): void {
  const done = tally.posted + tally.rejected;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const line = `${bar} ${done}/${total} check-ins, ${tally.summaries} summaries · ${label}`;
  if (process.stderr.isTTY) {
    process.stderr.write(`\r${line.padEnd(process.stderr.columns - 1 || 100)}`);
  } else if (Math.floor((done / total) * 10) > lastPrinted) {
    lastPrinted = Math.floor((done / total) * 10);
    process.stderr.write(`${line}\n`);
  }
}

async function request(path: string, init: RequestInit): Promise<Response> {
  // The stack answers 503 when KV is briefly busy (contract §2): retry like pulpcore would.
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(`${origin}${path}`, init);
      if (res.status !== 503 || attempt === 3) return res;
      await res.body?.cancel();
    } catch (error) {
      if (attempt === 3)
        fail(`cannot reach ${origin} (${String(error)}); is \`npm start\` running?`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
  }
}

async function post(checkIn: DemoCheckIn): Promise<void> {
  const { body, contentType } = encode(checkIn);
  const res = await request("/", {
    method: "POST",
    body,
    headers: {
      "Content-Type": contentType,
      [HEADER.SIMULATED_TIME]: new Date(checkIn.at).toISOString(),
    },
  });
  const text = await res.text();
  if (res.ok) {
    tally.posted++;
  } else {
    tally.rejected++;
    if (rejections.length < 5) rejections.push(`${res.status} ${checkIn.form}: ${text}`);
  }
}

/** Posts with at most `concurrency` requests in flight. */
async function postAll(checkIns: DemoCheckIn[], label: string): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < checkIns.length) {
      await post(checkIns[next++] as DemoCheckIn);
      progress(label);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function summarize(day: string): Promise<void> {
  const res = await request(`/?day=${day}`, { method: "PUT" });
  const text = await res.text();
  if (!res.ok) {
    fail(
      `PUT /?day=${day} answered ${res.status}: ${text.slice(0, 300)}\n` +
        "The check-ins so far are stored, but the page needs the summaries. Is the summarizer " +
        "in the stack (`npm start` runs it behind the ingest worker) and working?",
    );
  }
  tally.summaries++;
}

const started = performance.now();
const probe = await request("/", { method: "HEAD" });
if (probe.status >= 500)
  fail(`${origin} answered ${probe.status} to HEAD /; is the stack healthy?`);

// Installations older than the window check in once at their set-up time; these days are not
// summarized, they only give the installations their age.
await postAll(demo.history, "installations set up before the window");
for (const { day, checkIns } of demo.days) {
  const date = isoDay(day);
  await postAll(checkIns, date);
  await summarize(date);
  progress(date);
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
process.stderr.write("\n");
console.log(
  `Posted ${tally.posted} check-ins (${tally.rejected} rejected) and ran ${tally.summaries} ` +
    `daily summaries in ${seconds} s.`,
);
for (const rejection of rejections) console.log(`  rejected: ${rejection}`);

const series = await fetch(`${origin}/api/v1/series`).catch(() => null);
if (series?.ok) {
  const { keys } = (await series.json()) as { keys: string[] };
  const leaked = keys.filter((k) => PRIVATE_PLUGINS.some((p) => k.includes(p)));
  console.log(
    `${keys.length} series published; private plugins ${leaked.length ? `LEAKED: ${leaked.join(", ")}` : "not shown"}.`,
  );
}
console.log(`\nOpen ${origin}/`);
if (tally.rejected > 0) process.exitCode = 1;
