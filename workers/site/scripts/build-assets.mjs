// Builds the generated files of public/: the page's script (public/app.js) from page/main.ts,
// its model and UI in TypeScript, and frappe-charts from the pinned npm package (so no
// third-party code is committed here). Run by npm start, npm test and wrangler's custom build
// (dev and deploy). `--check` writes nothing and fails when a built file is stale
// (page/test/assets.test.ts runs it).
import { access, mkdir, readFile, rm, writeFile } from "node:fs/promises";
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

/**
 * The page imports "frappe-charts" (typed in page/ui/frappe-charts.d.ts) and gets it from
 * public/vendor/ at run time: a separate file, with its license beside it, cached on its own.
 */
const frappeFromVendor = {
  name: "frappe-charts-from-vendor",
  setup(build) {
    build.onResolve({ filter: /^frappe-charts$/ }, () => ({
      path: "./vendor/frappe-charts.js",
      external: true,
    }));
  },
};

async function outputs() {
  const { version, license } = JSON.parse(await readFile(`${frappe}package.json`, "utf8"));
  return {
    "public/app.js": await bundle(`${site}page/main.ts`, {
      banner: { js: "// Generated from page/main.ts by scripts/build-assets.mjs." },
      plugins: [frappeFromVendor],
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

// Built here once, no longer: removed, so an old checkout does not serve (or deploy) them.
const OBSOLETE = ["public/chart-data.js"];

const check = process.argv.includes("--check");
const stale = [];
for (const path of OBSOLETE) {
  const present = await access(`${site}${path}`).then(
    () => true,
    () => false,
  );
  if (!present) continue;
  if (check) stale.push(path);
  else await rm(`${site}${path}`);
}
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
