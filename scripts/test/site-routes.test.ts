/**
 * The site's routes outside `/api/*` reach the worker only if wrangler's asset router lets them
 * (`assets.run_worker_first`); otherwise it answers from `public/` (a 404) and the workerd tests,
 * which call the worker directly, would never notice.
 */
import { fileURLToPath } from "node:url";
import { ENVIRONMENTS } from "@pulp-analytics/shared/config";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

const config = fileURLToPath(new URL("../../workers/site/wrangler.jsonc", import.meta.url));

describe.each(ENVIRONMENTS)("the site in %s", (env) => {
  it("runs the worker first for the page, the API, /metrics and /feed.atom", () => {
    const { assets } = unstable_readConfig({ config, env }, { hideWarnings: true }) as {
      assets?: { run_worker_first?: boolean | string[] };
    };
    expect(assets?.run_worker_first).toEqual(
      expect.arrayContaining(["/", "/api/*", "/metrics", "/feed.atom"]),
    );
  });
});
