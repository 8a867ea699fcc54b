/**
 * The summarizer worker (docs/contract.md#3-summaries-and-series-keys, #5-dev-only-summary-trigger): the 00:00 UTC cron summarizes the day that just
 * ended, the 00:10 cron summarizes it again once KV's listing has caught up, and the finishing
 * crons at 00:20–00:50 finish the writes of a run that failed part way; `PUT /` (reachable only
 * through the dev environment's service binding from ingest) summarizes today so far or
 * `?day=YYYY-MM-DD` and answers the run report once the run has ended. Each of them starts an
 * instance of the `SummaryRun` Workflow (workflow.ts), which does the work step by step under
 * the SUMMARY lock (lock.ts); the handlers here only start it and watch it.
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
import { SummaryBusy, summaryLock } from "./lock";
import { RETENTION_DAYS } from "./run";
import { type RunParams, type Trigger, waitForRun } from "./workflow";

export { SummaryLock } from "./lock";
export { SummaryRun } from "./workflow";

/** A `PUT /` answers when its run has ended: at most this long on the dev stack. */
const PUT_WAIT_MS = 15 * 60_000;
/** A cron invocation may last 15 minutes; it stops watching its run a minute before. */
const CRON_WAIT_MS = 14 * 60_000;

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
  // Refused at once while another run holds SUMMARY (the run's own lease step checks again).
  const held = await summaryLock(c.env[BINDING.SUMMARY_LOCK]).holder();
  if (held) throw new SummaryBusy(held);
  const instance = await c.env[BINDING.SUMMARY_RUN].create({
    id: `put-${crypto.randomUUID()}`,
    params: { trigger: "put", day } satisfies RunParams,
  });
  const status = await waitForRun(instance, PUT_WAIT_MS, 1_000);
  if (status?.status === "complete") return c.json((status.output as { report: unknown }).report);
  if (status?.error?.message.includes("another summary run")) {
    return busyResponse(status.error.message, 60);
  }
  throw new Error(`run ${instance.id}: ${status?.error?.message ?? "still running"}`);
});

app.all("*", () =>
  problemResponse({ status: 405, error: "method not allowed; allowed: PUT /" }, { Allow: "PUT" }),
);

app.onError((error) => {
  if (error instanceof SummaryBusy) {
    const seconds = Math.max(1, Math.ceil((error.held.until - Date.now()) / 1000));
    return busyResponse(error.message, Math.min(seconds, 60));
  }
  console.error(JSON.stringify({ event: "summary", trigger: "put", error: String(error) }));
  return problemResponse(
    { status: 503, error: "the summary run failed; SUMMARY is consistent, rerun to finish" },
    { "Retry-After": "60" },
  );
});

function busyResponse(message: string, retryAfter: number): Response {
  return problemResponse(
    { status: 409, error: `${message}; nothing was written, run again after it` },
    { "Retry-After": String(retryAfter) },
  );
}

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    const trigger: Trigger =
      controller.cron === FINISH_CRON
        ? "finish"
        : controller.cron === CONVERGE_CRON
          ? "converge"
          : "cron";
    const event = trigger === "cron" ? "summary" : `summary-${trigger}`;
    // The nightly run and the converging one summarize the same day: the one that ended.
    const day = startOfUtcDay(controller.scheduledTime) - DAY_MS;
    let instance: WorkflowInstance;
    try {
      // One instance per firing: a trigger delivered twice creates it once.
      instance = await env[BINDING.SUMMARY_RUN].create({
        id: `${trigger}-${controller.scheduledTime}`,
        params: { trigger, day } satisfies RunParams,
      });
    } catch (error) {
      console.error(JSON.stringify({ event, trigger, error: String(error) }));
      throw error;
    }
    // The run goes on in its own invocations; this one watches it so the cron shows its outcome.
    const status = await waitForRun(instance, CRON_WAIT_MS);
    if (status === null || status.status === "complete") return;
    const message = status.error?.message ?? status.status;
    // A finishing run that meets a longer run still going has nothing to do: that run
    // finishes its own writes (or leaves a journal for the next finishing run).
    if (trigger === "finish" && message.includes("another summary run")) {
      console.log(JSON.stringify({ event, skipped: message }));
      return;
    }
    console.error(JSON.stringify({ event, trigger, run: instance.id, error: message }));
    // Rethrown so the cron shows as failed; the journal lets the next run finish the writes,
    // and a day a failed run did not write is filled by the next run (a missed day).
    throw new Error(message);
  },
} satisfies ExportedHandler<SummarizerEnv>;
