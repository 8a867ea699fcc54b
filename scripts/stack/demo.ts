/**
 * `npm run demo`: fills a running local stack (`npm start`) with 60 days of history, through the
 * real front door, so the page shows every chart.
 *
 *   npm run demo [-- --systems 150 --days 60 --seed 1 --url http://127.0.0.1:8787]
 *
 * Day by day, oldest first: post that day's check-ins with X-Pulp-Analytics-Time set to the
 * simulated time (docs/contract.md#7-simulated-check-in-time), then `PUT /?day=YYYY-MM-DD` to summarize it. Run it on empty
 * local state (`rm -rf .wrangler/state` with the stack stopped): replaying the same installations
 * over newer check-ins would move their last check-in back in time.
 */
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { parseArgs } from "node:util";
import { encodeBody } from "@pulp-analytics/fixtures/bodies";
import {
  DEFAULT_SYSTEMS,
  type DemoCheckIn,
  PRIVATE_PLUGINS,
  simulate,
} from "@pulp-analytics/fixtures/fleet";
import { HEADER, isoDay, startOfUtcDay } from "@pulp-analytics/shared/config";

const { values } = parseArgs({
  options: {
    systems: { type: "string", default: String(DEFAULT_SYSTEMS) },
    // RAW keeps 60 days, today included: an older day cannot be summarized (PUT answers 400).
    days: { type: "string", default: "60" },
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
if (positive("days") > 60) fail("--days must be at most 60: RAW keeps 60 days, today included");
const now = Date.now();
const demo = simulate({
  systems: positive("systems"),
  days: positive("days"),
  seed: positive("seed"),
  lastDay: startOfUtcDay(now),
  now,
});

const tally = { posted: 0, rejected: 0, summaries: 0, postingMs: 0, summariesMs: 0 };
const rejections: string[] = [];
const total = demo.history.length + demo.days.reduce((n, d) => n + d.checkIns.length, 0);

/**
 * One line on stderr: on a terminal rewritten in place, at most every 100 ms (thousands of
 * redraws would cost CPU the stack needs); otherwise printed every tenth of the way.
 */
let lastPrinted = -1;
let lastDrawn = 0;
function progress(label: string, force = false): void {
  const done = tally.posted + tally.rejected;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const line = `${bar} ${done}/${total} check-ins, ${tally.summaries} summaries · ${label}`;
  if (process.stderr.isTTY) {
    if (!force && performance.now() - lastDrawn < 100) return;
    lastDrawn = performance.now();
    process.stderr.write(`\r${line.padEnd(process.stderr.columns - 1 || 100)}`);
  } else if (Math.floor((done / total) * 10) > lastPrinted) {
    lastPrinted = Math.floor((done / total) * 10);
    process.stderr.write(`${line}\n`);
  }
}

interface Reply {
  status: number;
  text: string;
}

// node:http with keep-alive rather than fetch: the demo shares the CPU with the stack, and fetch
// took four times the CPU per request (about 1 ms against 0.25 ms, measured on two cores).
const secure = origin.startsWith("https:");
const agent = new (secure ? HttpsAgent : HttpAgent)({ keepAlive: true, maxSockets: concurrency });
const send = secure ? httpsRequest : httpRequest;

function once(path: string, method: string, body?: Uint8Array | string, headers = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = send(`${origin}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Retries what pulpcore would retry: 503 (KV briefly busy, docs/contract.md#2-ingest-of-check-ins) and a refused or cut
 * connection. Waits up to ~10 s in all, long enough for `npm start` to reload a worker after a
 * file under it changed (it answers 503 "restarted mid-request" meanwhile).
 */
async function request(
  path: string,
  method: string,
  body?: Uint8Array | string,
  headers?: Record<string, string>,
): Promise<Reply> {
  for (let attempt = 1; ; attempt++) {
    try {
      const reply = await once(path, method, body, headers);
      if (reply.status !== 503 || attempt === 6) return reply;
    } catch (error) {
      if (attempt === 6)
        fail(`cannot reach ${origin} (${String(error)}); is \`npm start\` running?`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300 * 2 ** (attempt - 1)));
  }
}

async function post(checkIn: DemoCheckIn): Promise<void> {
  const { body, contentType } = encodeBody(checkIn, checkIn.form);
  const res = await request("/", "POST", body, {
    "Content-Type": contentType,
    [HEADER.SIMULATED_TIME]: new Date(checkIn.at).toISOString(),
  });
  if (res.status === 200) {
    tally.posted++;
  } else {
    tally.rejected++;
    if (rejections.length < 5) rejections.push(`${res.status} ${checkIn.form}: ${res.text}`);
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
  const res = await request(`/?day=${day}`, "PUT");
  if (res.status !== 200) {
    fail(
      `PUT /?day=${day} answered ${res.status}: ${res.text.slice(0, 300)}\n` +
        "The check-ins so far are stored, but the page needs the summaries. Is the summarizer " +
        "in the stack (`npm start` runs it behind the ingest worker) and working?",
    );
  }
  tally.summaries++;
}

const started = performance.now();
const probe = await request("/", "HEAD");
if (probe.status >= 500)
  fail(`${origin} answered ${probe.status} to HEAD /; is the stack healthy?`);

// Installations older than the window check in once at their set-up time; these days are not
// summarized, they only give the installations their age.
// Day D's summary must see RAW exactly as of D (a later check-in replaces a system's entry), so
// day D+1 is posted only after D is summarized: the stack is either ingesting or summarizing.
await postAll(demo.history, "installations set up before the window");
for (const { day, checkIns } of demo.days) {
  const date = isoDay(day);
  const postingFrom = performance.now();
  await postAll(checkIns, date);
  const summaryFrom = performance.now();
  await summarize(date);
  tally.postingMs += summaryFrom - postingFrom;
  tally.summariesMs += performance.now() - summaryFrom;
  progress(date, true);
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
process.stderr.write("\n");
console.log(
  `Posted ${tally.posted} check-ins (${tally.rejected} rejected) and ran ${tally.summaries} ` +
    `daily summaries in ${seconds(performance.now() - started)} s ` +
    `(window: ${seconds(tally.postingMs)} s posting, ${seconds(tally.summariesMs)} s summarizing).`,
);
for (const rejection of rejections) console.log(`  rejected: ${rejection}`);

const series = await request("/api/v1/series", "GET");
agent.destroy();
if (series.status === 200) {
  const { keys } = JSON.parse(series.text) as { keys: string[] };
  const leaked = keys.filter((k) => PRIVATE_PLUGINS.some((p) => k.includes(p)));
  console.log(
    `${keys.length} series published; private plugins ${leaked.length ? `LEAKED: ${leaked.join(", ")}` : "not shown"}.`,
  );
}
console.log(`\nOpen ${origin}/`);
if (tally.rejected > 0) process.exitCode = 1;
