/**
 * Runs one of the TypeScript scripts under scripts/ (or bench/): `node scripts/run.mjs scripts/stack/demo.ts ...`.
 *
 * Node 20 cannot execute TypeScript, and the scripts import the shared package's TypeScript
 * (names, the generated protobuf code). esbuild (wrangler's bundler, so always installed)
 * bundles the script with everything it imports into one ES module under node_modules/.cache,
 * which runs with source maps (stack traces name the .ts lines) and is removed on exit.
 * Packages from node_modules stay imports (they are JavaScript already, and some, like esbuild
 * and miniflare, cannot be bundled); only the workspace's own TypeScript is bundled in.
 */
import { mkdirSync, rmSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run.mjs <script.ts> [args...]");
  process.exit(2);
}

const dir = resolve("node_modules/.cache/pulp-analytics-scripts");
const outfile = `${dir}/${basename(entry, ".ts")}.${process.pid}.mjs`;
mkdirSync(dir, { recursive: true });
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "inline",
  logLevel: "error",
  plugins: [
    {
      name: "packages-stay-external",
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          args.kind === "entry-point" || args.path.startsWith("@pulp-analytics/")
            ? undefined
            : { path: args.path, external: true },
        );
      },
    },
  ],
});
process.on("exit", () => rmSync(outfile, { force: true }));

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], resolve(entry), ...args];
await import(pathToFileURL(outfile).href);
