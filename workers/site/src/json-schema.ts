/**
 * What `zod/v4/core` is in the site's bundle (wrangler.jsonc `alias`). hono-openapi falls back to
 * a dynamic `import("zod/v4/core")` for zod's JSON Schema converter when none is registered; a
 * bundler cannot tree-shake a dynamic import, so the fallback alone would carry all of zod's core
 * and its 40 locales (about 700 KiB). openapi.ts registers the converter from zod/mini with
 * `loadVendor` before any document is generated, so this module is bundled but never called.
 */
export const toJSONSchema = (): never => {
  throw new Error("zod's JSON Schema converter is registered by openapi.ts (loadVendor)");
};
