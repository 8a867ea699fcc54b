/** The summarizer worker: placeholder until the summary issue lands (cron + dev PUT /). */
import type { SummarizerEnv } from "@pulp-analytics/shared/env";
import { problemResponse } from "@pulp-analytics/shared/errors";

export default {
  async fetch(): Promise<Response> {
    return problemResponse({ status: 503, error: "the summarizer is not implemented yet" });
  },
  async scheduled(): Promise<void> {},
} satisfies ExportedHandler<SummarizerEnv>;
