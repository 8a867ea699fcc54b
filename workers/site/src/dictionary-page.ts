/**
 * The data dictionary for people (`GET /api/v1/dictionary.html`): the same families as
 * `GET /api/v1/dictionary` (shared/src/opendata/dictionary.ts), as one plain HTML table with no
 * script, linked from the page's open data section. Everything written into it is escaped.
 */
import type { DictionaryEntry } from "@pulp-analytics/shared/opendata";

const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");

const COLUMNS: [string, (family: DictionaryEntry) => string][] = [
  ["Family", (f) => `<code>${escapeHtml(f.id)}</code>`],
  ["Series keys", (f) => `<code>${escapeHtml(f.pattern)}</code>`],
  ["What a point counts", (f) => escapeHtml(f.counts)],
  ["Unit", (f) => escapeHtml(f.unit)],
  ["Installations", (f) => escapeHtml(f.population)],
  ["From the check-in field", (f) => `<code>${escapeHtml(f.field)}</code>`],
  ["Sent since pulpcore", (f) => escapeHtml(f.since)],
  ["First day here", (f) => escapeHtml(f.firstDay ?? "none yet")],
  ["Bucketing", (f) => escapeHtml(f.bucketing)],
  ["Small counts", (f) => escapeHtml(f.smallCells)],
];

export function dictionaryPage(families: readonly DictionaryEntry[]): string {
  const head = COLUMNS.map(([name]) => `<th scope="col">${name}</th>`).join("");
  const rows = families
    .map((family) => {
      const [first, ...rest] = COLUMNS.map(([, cell]) => cell(family));
      return `<tr><th scope="row">${first}</th>${rest.map((c) => `<td>${c}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Data dictionary · Pulp Analytics</title>
<meta name="description" content="What every published series of Pulp Analytics counts, its unit and population, and since which pulpcore release.">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
</head>
<body>
<main>
<h1>Data dictionary</h1>
<p>Every series key of <a href="/">Pulp Analytics</a> belongs to one family below. A key's <code>&lt;parts&gt;</code> name what the series counts; each series is at <code>/api/v1/series/&lt;key&gt;</code>. The same list as JSON is <a href="/api/v1/dictionary">/api/v1/dictionary</a>.</p>
<div class="scroll" role="region" aria-label="Series families" tabindex="0">
<table>
<thead><tr>${head}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>
</main>
</body>
</html>
`;
}
