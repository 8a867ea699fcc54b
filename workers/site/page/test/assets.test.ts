import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, it } from "vitest";

describe("the site's generated assets", () => {
  it("are what scripts/build-assets.mjs builds from the sources and the pinned frappe-charts", () => {
    const script = fileURLToPath(new URL("../../scripts/build-assets.mjs", import.meta.url));
    // Throws, with the stale files in its message, when a built file is out of date.
    execFileSync(process.execPath, [script, "--check"], { stdio: "pipe" });
  });
});
