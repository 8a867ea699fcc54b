/**
 * Security headers every answer of every worker carries (docs/contract.md#2-ingest-of-check-ins), errors included. The
 * site adds its page CSP for the HTML page; every other answer is data and gets DATA_CSP.
 *
 * Not hono/secure-headers: its defaults add eight headers we do not send (switching each off
 * takes more lines than these three), it fixes every value before the handler runs while the
 * site picks its CSP by the answer's type, it sets headers in place where forwarded and cached
 * answers are immutable, and the local stack's Node front (scripts/lib/front.ts) and
 * public/_headers need these values without hono anyway.
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
