/**
 * Answers too big to hold in memory (`/api/v1/export.csv`): written as they are produced, and,
 * deployed, kept in the edge cache without buffering them in the worker.
 *
 * cache.ts hashes a whole body for its ETag, which a streamed export cannot afford (hundreds
 * of MB at 100,000 installations × 10 years). Here, deployed, a cache miss streams the body
 * straight into the Cache API (`cache.put` reads it as fast as the cache takes it, so memory stays
 * at one group of chunks) and then answers from the cache entry; later views for five minutes
 * cost no KV read. Teeing the body to the client and the cache at once would buffer the whole
 * body for whichever reader is slower (a slow download), so the first view waits for the file to
 * be built instead. No ETag (there is no hash without reading the body twice); the answer carries
 * the same Cache-Control as the others, so browsers and proxies keep it as long too.
 * On the local stack nothing is cached (`no-cache`), as with every other route.
 */
import type { CachePolicy } from "./policy";

/** Strings from `parts` as a byte stream, produced only as fast as the reader reads. */
export function textStream(parts: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await parts.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          // The status line is gone already: the reader sees a broken body, the log says why.
          console.error(JSON.stringify({ worker: "site", event: "stream", error: String(error) }));
          controller.error(error);
        }
      },
      async cancel() {
        await parts.return(undefined);
      },
    },
    // Nothing is produced before the first read: a HEAD (or an abandoned download) reads nothing.
    { highWaterMark: 0 },
  );
}

/**
 * `produce`'s answer through the edge cache when deployed (see above), keyed like cache.ts by
 * origin and routed path. An answer that sets its own Cache-Control (the empty state) is passed
 * through untouched.
 */
export async function streamedAnswer(
  request: Request,
  path: string,
  policy: CachePolicy,
  produce: () => Promise<Response>,
): Promise<Response> {
  if (!policy.edge) {
    const response = await produce();
    if (!response.headers.has("Cache-Control")) {
      response.headers.set("Cache-Control", policy.cacheControl);
    }
    return response;
  }
  const cache = caches.default;
  const cacheKey = new Request(new URL(path, request.url).href);
  const hit = await cache.match(cacheKey);
  if (hit) return new Response(hit.body, hit);
  const response = await produce();
  if (response.status !== 200 || response.headers.has("Cache-Control")) return response;
  response.headers.set("Cache-Control", policy.cacheControl);
  try {
    await cache.put(cacheKey, response);
    const stored = await cache.match(cacheKey);
    if (stored) return new Response(stored.body, stored);
  } catch (error) {
    console.error(
      JSON.stringify({ worker: "site", event: "cache-put", path, error: String(error) }),
    );
  }
  // The cache would not keep it: build it again, straight to the client.
  const again = await produce();
  again.headers.set("Cache-Control", policy.cacheControl);
  return again;
}
