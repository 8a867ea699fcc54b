/**
 * Every summary run is an instance of this Workflow (docs/architecture.md, "Summarizer"): the
 * nightly cron, the converging and finishing crons, and the dev `PUT /`. Each step of run.ts is a
 * Workflows step, its own invocation with its own limits, whose result the engine keeps: a step
 * the runtime kills is run again by the engine, and a finished step is never run again.
 *
 * Around the run's steps: `lease` takes SUMMARY's lease (lock.ts) under the instance's id, every
 * step renews it, `release` ends it. The scan slices' sums go to the lock's Durable Object, not
 * into step results (a day's sums can pass the 1 MiB a step may return).
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { BINDING } from "@pulp-analytics/shared/config";
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import type { DayPartial } from "@pulp-analytics/shared/summary";
import { LeaseLost, SummaryBusy, summaryLock } from "./lock";
import { MAX_KV_OPS } from "./op-budget";
import {
  type FinishResult,
  finishPending,
  type RunBudget,
  type RunReport,
  type RunResult,
  runNight,
} from "./run";

export type Trigger = "cron" | "converge" | "finish" | "put";

export interface RunParams {
  trigger: Trigger;
  /** 00:00 UTC of the day to summarize (a finishing run summarizes none). */
  day: number;
  /** Stamped into `_page` as `generatedAt`; defaults to the clock when the run plans. */
  now?: number;
  /** Smaller steps than production's (tests only: nothing that takes a request sets it). */
  budget?: RunBudget;
}

export type RunOutput =
  | { report: RunReport; replayed: string[]; capped: string[] }
  | { finish: FinishResult };

/** A step that failed for a passing reason (KV, the network) is tried again within the lease. */
const RETRY = { retries: { limit: 3, delay: "5 seconds", backoff: "constant" } } as const;

/**
 * The nightly and converging runs wait for a run still holding SUMMARY (up to 15 minutes); a
 * `PUT /` or a finishing run is refused at once.
 */
const WAIT_FOR_LEASE = {
  retries: { limit: 30, delay: "30 seconds", backoff: "constant" },
} as const;
const NO_RETRY = { retries: { limit: 0, delay: 0 } } as const;

/** Slices' sums read from the lock at once by an apply step: its memory follows these, not RAW. */
const SLICES_PER_READ = 4;

export class SummaryRun extends WorkflowEntrypoint<SummarizerEnv, RunParams> {
  override async run(
    event: Readonly<WorkflowEvent<RunParams>>,
    step: WorkflowStep,
  ): Promise<RunOutput> {
    const token = event.instanceId;
    const { trigger, day, now, budget } = event.payload;
    const lock = summaryLock(this.env[BINDING.SUMMARY_LOCK]);
    const waits = trigger === "cron" || trigger === "converge";

    await step.do("lease", waits ? WAIT_FOR_LEASE : NO_RETRY, async () => {
      const acquired = await lock.acquire(token, trigger);
      if (acquired.ok) return;
      const busy = new SummaryBusy(acquired);
      throw waits ? busy : new NonRetryableError(busy.message, "SummaryBusy");
    });
    /** A step of this run: the lease renewed first, KV operations counted and capped. */
    const owned = <T>(name: string, work: () => Promise<T>): Promise<T> =>
      step.do(name, RETRY, async () => {
        if (!(await lock.renew(token))) throw new NonRetryableError(new LeaseLost().message);
        try {
          return (await work()) as Rpc.Serializable<T>;
        } catch (error) {
          // The lock refuses a run whose lease another run has taken: nothing to retry.
          if (String(error).includes(new LeaseLost().message)) {
            throw new NonRetryableError(String(error));
          }
          throw error;
        }
      }) as Promise<T>;

    // A run that fails for good frees SUMMARY at once (its journal stays for the next run).
    const released = async <T>(work: () => Promise<T>): Promise<T> => {
      try {
        return await work();
      } catch (error) {
        await step.do("release after failure", () => lock.release(token));
        throw error;
      }
    };

    if (trigger === "finish") {
      const finish = await released(() => owned("finish", () => finishPending(this.env, { now })));
      await step.do("release", () => lock.release(token));
      // Silent when there was nothing to finish: most nights.
      if (finish.days.length > 0) {
        console.log(JSON.stringify({ event: "summary-finish", ...finish }));
      }
      return { finish };
    }

    const result = await released(() =>
      runNight(
        this.env,
        {
          step: (name, work) => owned(name, () => work({ ops: 0, limit: MAX_KV_OPS })),
          keep: (slice, partials) =>
            lock.putPartials(
              token,
              slice,
              partials.map((p) => [p.day, JSON.stringify(p)]),
            ),
          async sums(d, absorb) {
            for (let after = -1; ; ) {
              const { texts, last } = await lock.partialsOf(token, d, after, SLICES_PER_READ);
              for (const text of texts) absorb(JSON.parse(text) as DayPartial);
              if (last === null || texts.length < SLICES_PER_READ) return;
              after = last;
            }
          },
        },
        day,
        { now, budget },
      ),
    );
    await step.do("release", () => lock.release(token));
    // The lease and release steps are invocations of the run too.
    const report = { ...result.report, invocations: result.report.invocations + 2 };
    log(trigger, { ...result, report });
    return { report, replayed: result.applied.replayed, capped: result.applied.capped };
  }
}

/**
 * The run report as one JSON line; a second line only when the run finished a failed run's
 * writes from its journal, which an operator should see.
 */
function log(trigger: Trigger, { report, applied, cappedCount }: RunResult): void {
  console.log(JSON.stringify({ event: "summary", trigger, ...report }));
  if (applied.replayed.length > 0) {
    console.warn(JSON.stringify({ event: "summary-replayed", days: applied.replayed }));
  }
  // Many brand-new series in one night is what a flood of invented versions looks like.
  if (cappedCount > 0) {
    console.warn(
      JSON.stringify({
        event: "summary-capped",
        newSeriesLeftOut: cappedCount,
        examples: applied.capped.slice(0, 5),
      }),
    );
  }
}

const ENDED = new Set(["complete", "errored", "terminated"]);

/**
 * Polls `instance` until it ends or `maxMs` pass; null when it has not ended by then (it goes on
 * without the caller). Polls often at first (most runs end within a second), then every
 * `maxPollMs`: a cron watching a long run makes a few hundred calls, not thousands.
 */
export async function waitForRun(
  instance: WorkflowInstance,
  maxMs: number,
  maxPollMs = 5_000,
): Promise<InstanceStatus | null> {
  const deadline = Date.now() + maxMs;
  for (let pollMs = 50; ; pollMs = Math.min(pollMs * 2, maxPollMs)) {
    const status = await instance.status();
    if (ENDED.has(status.status)) return status;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
