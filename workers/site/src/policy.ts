/**
 * The site's own answer policy: the page's Content-Security-Policy and how long answers may be
 * cached. The security headers every answer carries are shared with ingest
 * (`@pulp-analytics/shared/config`); the static assets get them from public/_headers (the asset
 * router serves them without running this worker).
 */
import { CHART_INLINE_STYLES, VAR } from "@pulp-analytics/shared/config";
import type { SiteEnv } from "@pulp-analytics/shared/env";

/**
 * The page loads only its own scripts, styles and data. Inline style attributes are allowed
 * only by hash, for exactly those frappe-charts writes (shared/src/config/chart-colors.ts); every other
 * style it sets goes through the CSSOM, which CSP does not restrict.
 */
async function buildPageCsp(): Promise<string> {
  const hashes = await Promise.all(
    CHART_INLINE_STYLES.map(async (style) => {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style));
      return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
    }),
  );
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'unsafe-hashes' ${hashes.join(" ")}`,
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

let pageCsp: Promise<string> | undefined;
/** The page's CSP, computed once per isolate. */
export const PAGE_CSP = (): Promise<string> => {
  pageCsp ??= buildPageCsp();
  return pageCsp;
};

/**
 * Summaries change once a day (the 00:00 UTC cron), so five minutes of caching, in the browser
 * and in the edge cache, costs at most five minutes of staleness; browsers then revalidate
 * with the ETag and usually get a 304.
 */
const CACHE_CONTROL = "public, max-age=300";

/**
 * The deployed dev worker is as public as production, so it is cached too (each uncached export
 * lists and reads all of SUMMARY), for one minute: a dev summary run (`PUT /`) shows within it.
 */
const DEV_CACHE_CONTROL = "public, max-age=60";

/** The local stack: a summary run shows at once; browsers revalidate every time. */
const NO_CACHE = "no-cache";

/** How the site's answers are cached: in the edge cache or not, and the Cache-Control sent. */
export interface CachePolicy {
  edge: boolean;
  cacheControl: string;
}

/**
 * The policy of an environment: production five minutes, the deployed dev worker one, and the
 * local stack (`LOCAL_STACK`, which `wrangler dev` reads from workers/site/.dev.vars.dev) none.
 * Any other environment is cached as dev: a missing variable must not make every view cost KV
 * reads.
 */
export function cachePolicy(
  env: Pick<SiteEnv, typeof VAR.ENVIRONMENT | typeof VAR.LOCAL_STACK>,
): CachePolicy {
  if (env[VAR.LOCAL_STACK] === "true") return { edge: false, cacheControl: NO_CACHE };
  if (env[VAR.ENVIRONMENT] === "production") return { edge: true, cacheControl: CACHE_CONTROL };
  return { edge: true, cacheControl: DEV_CACHE_CONTROL };
}
