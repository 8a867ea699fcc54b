/**
 * Security headers every answer of every worker carries (docs/contract.md#2-ingest-of-check-ins), errors included. The
 * site adds its page CSP for the HTML page; every other answer is data and gets DATA_CSP.
 */

/** Data answers are never rendered as a document, so they may load nothing at all. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/** A data answer with the security headers set (a copy: forwarded answers are immutable). */
export function withSecurityHeaders(res: Response): Response {
  const secured = new Response(res.body, res);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) secured.headers.set(name, value);
  secured.headers.set("Content-Security-Policy", DATA_CSP);
  return secured;
}
