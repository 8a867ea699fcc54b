/**
 * Repeated views from the edge cache, and conditional requests answered with 304.
 *
 * Deployed (production, and dev for a shorter time: {@link cachePolicy}) a cache miss runs the
 * handler (a KV read or two) and stores its answer, 200 or 404, with a strong ETag (a hash of the
 * body), in the Cache API: the page and every series are then equally old, at most the policy's
 * max-age. On the local stack nothing is cached, so a `GET` after a summary run shows it at once
 * (docs/contract.md#4-public-read-api); browsers still get ETags and 304s. An answer that sets its own Cache-Control
 * (the empty state) is passed through untouched. Every answer, fresh or cached, is then checked
 * against If-None-Match / If-Modified-Since.
 *
 * Not hono/etag: it answers If-None-Match only (If-Modified-Since, and the precedence between
 * the two, would stay here), its tag is made after the handler, so after the answer went into
 * the cache without one, and it hashes every 2xx GET without a tag, buffering the streamed
 * export and tagging the no-store empty state, which get none now.
 */
import type { CachePolicy } from "./policy";

export interface Produced {
  response: Response;
  /** When the data behind the answer last changed, if known (sent as Last-Modified). */
  lastModified?: number;
}

/** Answers kept in the edge cache: found, and not found (a miss must not cost a read each time). */
const CACHEABLE = new Set([200, 404]);

/**
 * `path` is the path as routed (percent-decoded), so every spelling of one path shares one cache
 * entry and one KV read.
 */
export async function cachedAnswer(
  request: Request,
  path: string,
  ctx: ExecutionContext,
  policy: CachePolicy,
  produce: () => Promise<Produced>,
): Promise<Response> {
  const useCache = policy.edge;
  // Cache by origin and path only: no route reads the query string, so a query string must
  // not be a way to bypass the cache and cost a KV read.
  const cacheKey = new Request(new URL(path, request.url).href);
  const cache = caches.default;
  let response = useCache ? await cache.match(cacheKey) : undefined;
  if (!response) {
    const produced = await produce();
    if (
      !CACHEABLE.has(produced.response.status) ||
      produced.response.headers.has("Cache-Control")
    ) {
      return produced.response;
    }
    response = await withValidators(produced, policy.cacheControl);
    if (useCache) ctx.waitUntil(cache.put(cacheKey, response.clone()));
  }
  if (response.status !== 200) return new Response(response.body, response);
  return notModified(request, response) ?? new Response(response.body, response);
}

async function withValidators(
  { response, lastModified }: Produced,
  cacheControl: string,
): Promise<Response> {
  const body = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const tag = btoa(String.fromCharCode(...digest.subarray(0, 18)))
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  const headers = new Headers(response.headers);
  headers.set("ETag", `"${tag}"`);
  headers.set("Cache-Control", cacheControl);
  if (lastModified !== undefined && lastModified > 0) {
    headers.set("Last-Modified", new Date(lastModified).toUTCString());
  }
  return new Response(body, { status: response.status, headers });
}

/** The 304 for a request whose validators match `response`, or null. */
function notModified(request: Request, response: Response): Response | null {
  const etag = response.headers.get("ETag");
  const ifNoneMatch = request.headers.get("If-None-Match");
  const lastModified = response.headers.get("Last-Modified");
  const ifModifiedSince = request.headers.get("If-Modified-Since");
  let fresh = false;
  if (ifNoneMatch !== null) {
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2); compared weakly, because
    // a compressing proxy may have turned our strong tag into a weak one.
    const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
    fresh =
      etag !== null &&
      (ifNoneMatch.trim() === "*" ||
        ifNoneMatch.split(",").some((tag) => opaque(tag) === opaque(etag)));
  } else if (ifModifiedSince !== null && lastModified !== null) {
    const since = Date.parse(ifModifiedSince);
    fresh = !Number.isNaN(since) && Date.parse(lastModified) <= since;
  }
  if (!fresh) return null;
  const headers = new Headers();
  for (const name of ["ETag", "Last-Modified", "Cache-Control", "Vary"]) {
    const value = response.headers.get(name);
    if (value !== null) headers.set(name, value);
  }
  return new Response(null, { status: 304, headers });
}
