/**
 * Response headers of the site: security headers on every answer, and the caching policy.
 * The static assets get the same security headers from public/_headers (the asset router
 * serves them without running this worker).
 */

/**
 * The page loads only its own scripts, styles and data. The one hash allows the single inline
 * style attribute frappe-charts writes into its tooltip (`<strong style="display: block;">`);
 * every other style it sets goes through the CSSOM, which CSP does not restrict.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-hashes' 'sha256-qnVkQSG7pWu17hBhIw0kCpfEB3XGvt0mNRa6+uM6OUU='",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** Data answers are never rendered as a document, so they may load nothing at all. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/**
 * Summaries change once a day (the 00:00 UTC cron), so five minutes of caching, in the browser
 * and in the edge cache, costs at most five minutes of staleness; browsers then revalidate
 * with the ETag and usually get a 304.
 */
export const CACHE_SECONDS = 300;
export const CACHE_CONTROL = `public, max-age=${CACHE_SECONDS}`;
