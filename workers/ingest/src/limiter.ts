/**
 * The rate limiter's key for a client address (docs/contract.md#2-ingest-of-check-ins). The address is used as this key
 * and for nothing else: never stored, never logged.
 *
 * IPv4 addresses are keyed whole. IPv6 addresses are keyed by their /64: one subscriber gets a
 * whole /64 (often more), so keying single IPv6 addresses would give one client 2^64 budgets.
 */

/** The key for requests whose address is unknown (only outside Cloudflare: tests, local). */
export const UNKNOWN_ADDRESS = "unknown";

export function limiterKey(address: string | null | undefined): string {
  const text = address?.trim().toLowerCase() ?? "";
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(text)) return text;
  const prefix = ipv6Prefix64(text);
  return prefix ?? UNKNOWN_ADDRESS;
}

/** The first four groups of an IPv6 address, expanded (`2001:db8:0:0::/64`), or null. */
function ipv6Prefix64(text: string): string | null {
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(":")) return null;
  // An embedded IPv4 tail (::ffff:192.0.2.1) lies in the last 32 bits: outside the /64.
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (half: string | undefined) => (half ? half.split(":") : []);
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const tailWidth = tail.reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0);
  const missing = 8 - head.length - tailWidth;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  const first = all.slice(0, 4);
  if (first.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  return `${first.map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
