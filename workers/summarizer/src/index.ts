/**
 * The summarizer worker (docs/contract.md#3-summaries-and-series-keys, #5-dev-only-summary-trigger): the 00:00 UTC cron summarizes the day that just
 * ended, the 00:10 cron summarizes it again once KV's listing has caught up, and the finishing
 * crons at 00:20–00:50 finish the writes of a run that failed part way; `PUT /` (reachable only
 * through the dev environment's service binding from ingest) summarizes today so far or
 * `?day=YYYY-MM-DD` and answers the run report. Every run holds the SUMMARY lock (lock.ts).
 */
import {
  BINDING,
  CONVERGE_CRON,
  DAY_MS,
  FINISH_CRON,
  isoDay,
  parseIsoDay,
  problemResponse,
  startOfUtcDay,
} from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { Hono } from "hono";
import { SummaryBusy, withLock } from "./lock";
import { finishPending, RETENTION_DAYS, type RunResult, summarize } from "./run";

export { SummaryLock } from "./lock";

const app = new Hono<{ Bindings: SummarizerEnv }>();

app.put("/", async (c) => {
  const today = startOfUtcDay(Date.now());
  const requested = c.req.query("day");
  const day = requested === undefined ? today : parseIsoDay(requested);
  // RAW keeps check-ins for RETENTION_DAYS: an older day cannot be summarized again, and trying
  // would replace its history with nothing.
  const earliest = today - (RETENTION_DAYS - 1) * DAY_MS;
  if (day === null || day > today || day < earliest) {
    return problemResponse({
      status: 400,
      error: `day must be a calendar day YYYY-MM-DD from ${isoDay(earliest)} (RAW's ${RETENTION_DAYS} days) to today`,
      issues: [{ path: "day", message: `not a day that can be summarized: ${requested}` }],
    });
  }
  const result = await withLock(c.env[BINDING.SUMMARY_LOCK], "put", () => summarize(c.env, day));
  log("put", result);
  return c.json(result.report);
});

app.all("*", () =>
  problemResponse({ status: 405, error: "method not allowed; allowed: PUT /" }, { Allow: "PUT" }),
);

app.onError((error) => {
  if (error instanceof SummaryBusy) {
    const seconds = Math.max(1, Math.ceil((error.held.until - Date.now()) / 1000));
    return problemResponse(
      { status: 409, error: `${error.message}; nothing was written, run again after it` },
      { "Retry-After": String(Math.min(seconds, 60)) },
    );
  }
  console.error(JSON.stringify({ event: "summary", trigger: "put", error: String(error) }));
  return problemResponse(
    { status: 503, error: "the summary run failed; SUMMARY is consistent, rerun to finish" },
    { "Retry-After": "60" },
  );
});

/**
 * The run report as one JSON line; a second line only when the run finished a failed run's
 * writes from its journal, which an operator should see.
 */
function log(trigger: "cron" | "converge" | "put", { report, applied }: RunResult): void {
  console.log(JSON.stringify({ event: "summary", trigger, ...report }));
  if (applied.replayed.length > 0) {
    console.warn(JSON.stringify({ event: "summary-replayed", days: applied.replayed }));
  }
  // Many brand-new series in one night is what a flood of invented versions looks like.
  if (applied.capped.length > 0) {
    console.warn(
      JSON.stringify({
        event: "summary-capped",
        newSeriesLeftOut: applied.capped.length,
        examples: applied.capped.slice(0, 5),
      }),
    );
  }
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const lock = env[BINDING.SUMMARY_LOCK];
    const event =
      controller.cron === FINISH_CRON
        ? "summary-finish"
        : controller.cron === CONVERGE_CRON
          ? "summary-converge"
          : "summary";
    try {
      if (controller.cron === FINISH_CRON) {
        const result = await withLock(lock, "finish", () => finishPending(env));
        // Silent when there was nothing to finish: most nights.
        if (result.days.length > 0) console.log(JSON.stringify({ event, ...result }));
        return;
      }
      // The nightly run and the converging one summarize the same day: the one that ended.
      const day = startOfUtcDay(controller.scheduledTime) - DAY_MS;
      const trigger = controller.cron === CONVERGE_CRON ? "converge" : "cron";
      log(trigger, await withLock(lock, trigger, () => summarize(env, day)));
    } catch (error) {
      // A finishing run that meets a longer run still going has nothing to do: that run
      // finishes its own writes (or leaves a journal for the next finishing run).
      if (error instanceof SummaryBusy && controller.cron === FINISH_CRON) {
        console.log(JSON.stringify({ event, skipped: error.message }));
        return;
      }
      console.error(JSON.stringify({ event, trigger: "cron", error: String(error) }));
      // Rethrown so the cron shows as failed; the journal lets the next run finish the writes,
      // and a day a refused run did not write is filled by the next run (a missed day).
      throw error;
    }
  },
} satisfies ExportedHandler<SummarizerEnv>;
