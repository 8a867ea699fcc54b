/** Text for the page: data made safe for frappe's innerHTML. */

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
