/** Text for the page: numbers as it writes them, and data made safe for frappe's innerHTML. */

/**
 * Text made safe for an HTML context. frappe-charts writes labels and dataset names with
 * innerHTML, and component versions come from the internet.
 */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );
}

// One formatter for the page: `toLocaleString` builds a new one on every call, which made the
// thousands of counts of a page load cost more than drawing a chart on a phone.
const counts = new Intl.NumberFormat("en");

/** A count as the page writes it: `12,345`. */
export const count = (n: number): string => counts.format(n);

/** A change in installations: `+12`, `−3` (a minus sign, not a hyphen), `0`. */
export const signed = (n: number): string =>
  n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : "0";

/** A change in percent, a no-break space before the % sign: `+2.5 %`, `−1 %`, `0 %`. */
export const signedPercent = (n: number): string =>
  `${n > 0 ? "+" : n < 0 ? "−" : ""}${Math.abs(n)}\u00a0%`;

/** Days in the time-to-share table: `12 days`, `1 day`, or `—` for none. */
export const daysText = (n: number | null): string =>
  n === null ? "—" : `${count(n)} day${n === 1 ? "" : "s"}`;

/**
 * `text` cut around each ISO date in it (`YYYY-MM-DD`), in order, so the page can keep each
 * date on one line (a phone would break it at a hyphen); the parts join to `text`.
 */
export function splitDates(text: string): Array<{ text: string; date: boolean }> {
  return text.split(/(\d{4}-\d{2}-\d{2})/).map((part, i) => ({ text: part, date: i % 2 === 1 }));
}
