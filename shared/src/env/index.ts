/**
 * What each worker is bound to, typed once. The wrangler.jsonc files declare the same names
 * (see names.ts); workers/<worker>/bindings.check.ts checks, at compile time, that each type
 * agrees with what `wrangler types` reads from its worker's config (`npm run types`).
 */
import type { BINDING, SECRET, VAR } from "../config/names";

/** SUMMARY as the site sees it: no method that writes exists on this type. */
export type ReadOnlyKV = Pick<KVNamespace, "get" | "getWithMetadata" | "list">;

export interface IngestEnv {
  [BINDING.RAW]: KVNamespace;
  [BINDING.SITE]: Fetcher;
  /** Present in the dev environment only; production has no such binding. */
  [BINDING.SUMMARIZER]?: Fetcher;
  /** Check-ins per client address (wrangler `ratelimits`; both environments). */
  [BINDING.CHECKIN_LIMITER]?: RateLimit;
  /** Check-ins per IPv6 /56 and per IPv6 /48 (both environments). */
  [BINDING.CHECKIN_LIMITER_56]?: RateLimit;
  [BINDING.CHECKIN_LIMITER_48]?: RateLimit;
  /** New installations' budgets (ingest's `AdmissionBudget` Durable Object). */
  [BINDING.ADMISSION]: DurableObjectNamespace;
  [VAR.ENVIRONMENT]: string;
  [VAR.ALLOW_SIMULATED_TIME]?: string;
  [VAR.ADMISSION_PER_NETWORK]?: string;
  [VAR.ADMISSION_FLOOR]?: string;
  [VAR.ADMISSION_SHARE]?: string;
  [VAR.LOCAL_STACK]?: string;
  /** Which components' facts the RAW metadata carries (as the summarizer's variable). */
  [VAR.PUBLISHED_COMPONENTS]?: string;
  /** Dev only: the bearer token of `PUT /`. */
  [SECRET.SUMMARY_TRIGGER_TOKEN]?: string;
}

export interface SummarizerEnv {
  [BINDING.RAW]: KVNamespace;
  [BINDING.SUMMARY]: KVNamespace;
  /** One run at a time, and the running one's partial sums (the summarizer's `SummaryLock`). */
  [BINDING.SUMMARY_LOCK]: DurableObjectNamespace;
  /** Every run, one step per invocation (the summarizer's `SummaryRun` Workflow). */
  [BINDING.SUMMARY_RUN]: Workflow;
  [VAR.ENVIRONMENT]: string;
  [VAR.PERSISTENT_MIN_AGE_DAYS]?: string;
  [VAR.ESTABLISHED_MIN_AGE_DAYS]?: string;
  [VAR.ESTABLISHED_MIN_CHECK_IN_DAYS]?: string;
  [VAR.PUBLISHED_COMPONENTS]?: string;
}

export interface SiteEnv {
  [BINDING.SUMMARY]: ReadOnlyKV;
  [VAR.ENVIRONMENT]: string;
  /** "true" under wrangler dev (workers/site/.dev.vars.dev): nothing is cached. */
  [VAR.LOCAL_STACK]?: string;
}

/**
 * wrangler's generated types also name the class behind a Durable Object or Workflow binding,
 * which shared/ cannot import (it would import the worker): the binding's kind is compared,
 * told by a method only that kind has.
 */
type Kinds<E> = {
  [K in keyof E]: E[K] extends { idFromName: unknown }
    ? DurableObjectNamespace
    : E[K] extends { createBatch: unknown }
      ? Workflow
      : E[K];
};

/**
 * `true` when the bindings wrangler generates for one environment (`Generated`) give every
 * binding `Env` requires, each of a type `Env` accepts, and nothing `Env` does not name but
 * `Extra`; `false` otherwise. workers/<worker>/bindings.check.ts asserts it per environment.
 */
export type BindingsAgree<Generated, Env, Extra extends PropertyKey = never> =
  Kinds<Generated> extends Env
    ? [Exclude<keyof Generated, keyof Env | Extra>] extends [never]
      ? true
      : false
    : false;
