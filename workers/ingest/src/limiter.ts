/**
 * Keys derived from a client address (docs/contract.md#2-ingest-of-check-ins): the rate
 * limiters' keys and the network that a new installation's admission counts against. The address
 * is used for these keys and for nothing else: never stored, never logged.
 *
 * IPv4 addresses are keyed whole. IPv6 addresses are keyed by their /64: one subscriber gets a
 * whole /64 (often a /56 or a /48), so keying single IPv6 addresses would give one client 2^64
 * budgets; the /56 and the /48 have limiters of their own. An IPv4-mapped IPv6 address
 * (`::ffff:192.0.2.1`) is its IPv4 address.
 */

/** The key for requests whose address is unknown (only outside Cloudflare: tests, local). */
export const UNKNOWN_ADDRESS = "unknown";

type Address = { version: 4; octets: number[] } | { version: 6; groups: number[] };

/** The per-minute limiter's key: an IPv4 address whole, an IPv6 address by its /64. */
export function limiterKey(address: string | null | undefined): string {
  const parsed = parseAddress(address);
  if (!parsed) return UNKNOWN_ADDRESS;
  if (parsed.version === 4) return parsed.octets.join(".");
  return `${hex(parsed.groups.slice(0, 4))}::/64`;
}

/** The /56 or /48 of an IPv6 address (`2001:db8:aa:100::/56`, `2001:db8:aa::/48`), else null. */
export function ipv6Prefix(address: string | null | undefined, bits: 48 | 56): string | null {
  const parsed = parseAddress(address);
  if (parsed?.version !== 6) return null;
  const [a = 0, b = 0, c = 0, d = 0] = parsed.groups;
  return bits === 48 ? `${hex([a, b, c])}::/48` : `${hex([a, b, c, d & 0xff00])}::/56`;
}

/**
 * The network a new installation's admission counts against (docs/architecture.md#admission):
 * an IPv4 /24 or an IPv6 /48, else one shared "unknown" network.
 */
export function admissionNetwork(address: string | null | undefined): string {
  const parsed = parseAddress(address);
  if (!parsed) return UNKNOWN_ADDRESS;
  if (parsed.version === 4) return `${parsed.octets.slice(0, 3).join(".")}.0/24`;
  return ipv6Prefix(address, 48) ?? UNKNOWN_ADDRESS;
}

const hex = (groups: number[]) => groups.map((g) => g.toString(16)).join(":");

/** An IPv4 or IPv6 address as numbers (IPv4-mapped IPv6 as IPv4), or null. */
function parseAddress(address: string | null | undefined): Address | null {
  const text = address?.trim().toLowerCase() ?? "";
  const v4 = parseIpv4(text);
  if (v4) return { version: 4, octets: v4 };
  const groups = parseIpv6(text);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [high = 0, low = 0] = groups.slice(6);
    return { version: 4, octets: [high >> 8, high & 0xff, low >> 8, low & 0xff] };
  }
  return { version: 6, groups };
}

function parseIpv4(text: string): number[] | null {
  if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(text)) return null;
  const octets = text.split(".").map(Number);
  return octets.every((o) => o <= 255) ? octets : null;
}

/** The eight 16-bit groups of an IPv6 address, with `::` and an IPv4 tail expanded, or null. */
function parseIpv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/.test(text) || !text.includes(":")) return null;
  const halves = text.split("::");
  if (halves.length > 2) return null;
  // An IPv4 tail may only end the address: the last part of the part after `::`, or of the whole.
  const groups = (half: string | undefined, last: boolean): number[] | null => {
    if (!half) return [];
    const parts = half.split(":");
    const out: number[] = [];
    for (const [i, part] of parts.entries()) {
      if (part.includes(".")) {
        // An IPv4 tail is worth two groups.
        const octets = last && i === parts.length - 1 ? parseIpv4(part) : null;
        if (!octets) return null;
        const [a = 0, b = 0, c = 0, d = 0] = octets;
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(part)) {
        out.push(Number.parseInt(part, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groups(halves[0], halves.length === 1);
  const tail = groups(halves[1], true);
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  return [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
}
