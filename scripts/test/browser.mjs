/**
 * The browser tests need Debian's Chromium, which npm cannot install. `npm test` runs them when
 * Chromium is there and says loudly when it is not; CI (REQUIRE_BROWSER=1, set by .ci/run, which
 * installs Chromium) fails instead of skipping.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  const message = `browser tests: no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_BROWSER === "1") {
    console.error(`${message}: REQUIRE_BROWSER=1, failing`);
    process.exit(1);
  }
  console.warn(`\n*** ${message}: SKIPPED ***\n`);
  process.exit(0);
}
const run = spawnSync(
  process.execPath,
  ["node_modules/vitest/vitest.mjs", "run", "--config", "workers/site/browser/vitest.config.ts"],
  { stdio: "inherit" },
);
process.exit(run.status ?? 1);
