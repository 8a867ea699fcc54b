/**
 * Repeated views from the edge cache, and conditional requests answered with 304.
 *
 * A cache miss runs the handler (at most one KV read) and stores its 200 answer, with a strong
 * ETag (a hash of the body), in the Cache API (CACHE_CONTROL, headers.ts); an answer that sets its
 * own Cache-Control (the empty state) is passed through untouched. Every answer, fresh or
 * cached, is then checked against If-None-Match / If-Modified-Since.
 */
import { CACHE_CONTROL } from "./headers";

export interface Produced {
  response: Response;
  /** When the data behind the answer last changed, if known (sent as Last-Modified). */
  lastModified?: number;
}

export async function cachedAnswer(
  request: Request,
  ctx: ExecutionContext,
  produce: () => Promise<Produced>,
): Promise<Response> {
  // Cache by origin and path only: no route reads the query string, so a query string must
  // not be a way to bypass the cache and cost a KV read.
  const url = new URL(request.url);
  const cacheKey = new Request(`${url.origin}${url.pathname}`);
  const cache = caches.default;
  let response = await cache.match(cacheKey);
  if (!response) {
    const produced = await produce();
    if (produced.response.status !== 200 || produced.response.headers.has("Cache-Control")) {
      return produced.response;
    }
    response = await withValidators(produced);
    ctx.waitUntil(cache.put(cacheKey, response.clone()));
  }
  return notModified(request, response) ?? new Response(response.body, response);
}

async function withValidators({ response, lastModified }: Produced): Promise<Response> {
  const body = await response.arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const tag = btoa(String.fromCharCode(...digest.subarray(0, 18)))
    .replaceAll("+", "-")
    .replaceAll("/", "_");
  const headers = new Headers(response.headers);
  headers.set("ETag", `"${tag}"`);
  headers.set("Cache-Control", CACHE_CONTROL);
  if (lastModified !== undefined && lastModified > 0) {
    headers.set("Last-Modified", new Date(lastModified).toUTCString());
  }
  return new Response(body, { status: 200, headers });
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
