// Builds the generated files of public/: the page's chart logic from page/model/,
// and frappe-charts from the pinned npm package (so no third-party code is committed here). Run
// by npm install, npm start, npm test and wrangler's custom build (dev and deploy). `--check`
// writes nothing and fails when a built file is stale (page/test/assets.test.ts runs it).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const site = `${root}workers/site/`;
const frappe = `${root}node_modules/frappe-charts/`;

async function bundle(entry, options) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    target: "es2022",
    write: false,
    // Fixed, so the path comments in the output do not depend on where the script runs.
    absWorkingDir: root,
    legalComments: "none",
    ...options,
  });
  return result.outputFiles[0].text;
}

async function outputs() {
  const { version, license } = JSON.parse(await readFile(`${frappe}package.json`, "utf8"));
  return {
    "public/chart-data.js": await bundle(`${site}page/model/index.ts`, {
      banner: { js: "// Generated from page/model/ by scripts/build-assets.mjs." },
    }),
    // The plain ESM build, not the minified one: that one injects its CSS as an inline <style>,
    // which the page's CSP refuses (public/style.css carries the chart styles instead).
    "public/vendor/frappe-charts.js": await bundle(`${frappe}dist/frappe-charts.esm.js`, {
      minify: true,
      banner: {
        js: `/*! frappe-charts ${version}, ${license} License: see frappe-charts.LICENSE */`,
      },
    }),
    "public/vendor/frappe-charts.LICENSE": await readFile(`${frappe}LICENSE`, "utf8"),
  };
}

const check = process.argv.includes("--check");
const stale = [];
for (const [path, text] of Object.entries(await outputs())) {
  const current = await readFile(`${site}${path}`, "utf8").catch(() => null);
  if (current === text) continue;
  if (check) stale.push(path);
  else {
    await mkdir(dirname(`${site}${path}`), { recursive: true });
    await writeFile(`${site}${path}`, text);
  }
}
if (stale.length > 0) {
  console.error(`stale: ${stale.join(", ")}; run: npm run assets -w workers/site`);
  process.exit(1);
}
