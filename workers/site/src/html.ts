/**
 * The page at `/`: static HTML, the same for every view, so rendering it reads no KV. The data
 * comes from `/api/v1/page` (and, for "1 year" and "All", `/api/v1/page/weekly/<YYYY>`), fetched
 * by /app.js (no inline script: the CSP forbids it), which draws a chart into each `data-chart`
 * section below and fills in the "data as of" line and the range's note.
 */

// Each chart's place keeps the height of the chart it will hold (style.css), so nothing moves
// when the data arrives: the cumulative layout shift stays near 0 (checked in the browser test).
const section = (id: string, title: string, explanation: string, extra = "") => `
<section class="card" id="${id}" data-chart="${id}" aria-labelledby="${id}-title">
  <h2 id="${id}-title">${title}</h2>
  <p class="explain">${explanation}</p>${extra}
  <div class="chart"></div>
  <div class="data-links"></div>
</section>`;

/** A headline number's place, with its label: the script fills in the value and the detail. */
const stat = (label: string) => `
      <div class="stat"><dt>${label}</dt><dd class="value">…</dd><dd class="detail">&nbsp;</dd></div>`;

/** The open data, linked from the page whether or not its script runs. */
const OPEN_DATA = `<a href="/api/v1/series">every series</a> (JSON, each also as CSV), <a href="/api/v1/export.csv">everything in one CSV</a> (every series, every day), <a href="/api/v1/page">the data of this page</a> (JSON, the last 90 days) and <a href="/api/v1/health">the health of the summary</a>; what each series counts is in <a href="/api/v1/dictionary.html">the data dictionary</a>`;

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pulp Analytics</title>
<meta name="description" content="Anonymous, aggregate statistics on how Pulp installations are deployed: versions, sizes, PostgreSQL, RBAC usage.">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
<noscript><link rel="stylesheet" href="/noscript.css"></noscript>
<script type="module" src="/app.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to the charts</a>
<header class="top">
  <div class="wrap">
    <h1>Pulp Analytics</h1>
    <p class="lede">How Pulp is deployed, from the daily anonymous check-ins of Pulp installations.</p>
    <p id="as-of" class="as-of" role="status">Loading the data…</p>
    <p id="stale" class="stale" role="status" hidden></p>
    <nav class="contents" aria-label="Contents">
      <ul>
        <li><a href="#installations">Installations</a></li>
        <li><a href="#versions">Versions</a></li>
        <li><a href="#deployment">Deployment</a></li>
        <li><a href="#postgresql">PostgreSQL</a></li>
        <li><a href="#age">Age</a></li>
        <li><a href="#rbac">RBAC</a></li>
        <li><a href="#upgrades">Upgrades</a></li>
        <li><a href="#about">What is collected</a></li>
        <li><a href="#open-data">Open data</a></li>
      </ul>
    </nav>
  </div>
</header>
<main class="wrap" id="main">
  <noscript><p class="notice">The charts need JavaScript, which is off or blocked here. All their numbers are open without it: ${OPEN_DATA}.</p></noscript>
  <div id="failed" class="notice" role="alert" hidden>
    <h2>The data could not be loaded</h2>
    <p>The page's data did not arrive; this is usually brief. <button type="button" id="retry">Try again</button></p>
    <p>The open data may still answer: ${OPEN_DATA}.</p>
  </div>
  <section id="headline" class="headline" aria-labelledby="headline-title">
    <h2 id="headline-title" class="visually-hidden">At a glance</h2>
    <dl class="stats">${stat("Installations reporting")}${stat("Change over 30 days")}${stat("Most used core version")}${stat("On a supported PostgreSQL")}
    </dl>
  </section>
  <div class="controls" id="controls">
    <span id="range-label">Time range</span>
    <div class="range" role="group" aria-labelledby="range-label">
      <button type="button" data-range="30d">30 days</button>
      <button type="button" data-range="90d" aria-pressed="true">90 days</button>
      <button type="button" data-range="1y">1 year</button>
      <button type="button" data-range="all">All</button>
    </div>
    <p id="range-note" class="range-note" role="status"></p>
  </div>
  <section class="notice" id="empty" hidden>
    <h2>No data yet</h2>
    <p>Check-ins are summarized once a day, at 00:00 UTC. The charts appear here after the first summary; come back tomorrow.</p>
  </section>
  <div id="charts" aria-busy="true">
    ${section("installations", "Installations reporting", "Installations that checked in each day; persistent ones had already been seen on an earlier day, which leaves out one-off test and CI containers.")}
    <section class="card" id="versions" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions in use</h2>
      <p class="explain">For each Pulp component, the share of persistent installations running each x.y release, stacked to 100 % per day, the newest at the top. When a range holds more releases than there are colors, consecutive releases share a band ("3.21–3.28"), cut so that the releases that mattered most in that range stand alone. The exact x.y.z versions of the latest day are listed below each chart, by x.y, and under "Adoption" how many installations run each x.y or a newer one, and how long each recent release took to reach a quarter and half of them.</p>
      <nav class="component-links" aria-label="Components"></nav>
      <div id="components"></div>
    </section>
    ${section("deployment", "Deployment size", "Mean number of online workers and content apps per persistent installation, counted as processes and as distinct hosts.")}
    ${section("postgresql", "PostgreSQL versions", "PostgreSQL major versions of persistent installations: the share on the latest day, then over time, stacked to 100 %.", '\n  <p class="explain reporting"></p>\n  <div class="chart chart-latest"></div>')}
    ${section("age", "Installation age", "All installations that checked in on the latest day, by days since each was first seen.")}
    ${section("rbac", "RBAC usage", "Persistent installations on the latest day by how many users, groups, domains, custom roles and customized access policies they have.")}
    <section class="card" id="upgrades" aria-labelledby="upgrades-title">
      <h2 id="upgrades-title">Upgrades</h2>
      <p class="explain">How installations move between core releases: the upgrade paths they take (an installation that reports a newer core x.y than before has upgraded, skipped releases included), how long they stay on a release, and how many have not changed it for months. Upgrade paths count established installations, the rest persistent ones.</p>
      <p class="explain since"></p>
      <p class="status" role="status"></p>
      <div class="upgrades-charts">
        <figure><figcaption>Most common upgrade paths over the chosen range</figcaption><div class="chart" id="upgrades-paths"></div><p class="note">“3.79 → other x.y”: upgrades from 3.79 along paths of fewer than 5 installations on a day, which are not published on their own.</p><div class="paths-fold"></div></figure>
        <figure><figcaption>Time on the current x.y, latest day</figcaption><div class="chart" id="upgrades-on-release"></div></figure>
      </div>
      <h3>Left behind: installations that have not changed core's x.y</h3>
      <dl class="stats left-behind">${stat("For 6 months or more")}${stat("For 12 months or more")}${stat("For 24 months or more")}
      </dl>
      <div class="by-release-fold"></div>
      <div class="data-links"></div>
    </section>
  </div>
  <section class="about" id="about" aria-labelledby="about-title">
    <h2 id="about-title">What is collected, and how to opt out</h2>
    <p>Once a day each Pulp installation sends a random installation id (not linked to anything else), the versions of its Pulp components, how many workers and content apps are online (and on how many hosts), its PostgreSQL version, and counts of users, groups, domains, custom roles and customized access policies. No host names, IP addresses, content or user names are stored. Only the daily aggregates shown here are published; an installation's record expires 60 days after its last check-in.</p>
    <p>Combinations of facts (core with PostgreSQL, a plugin with core) count only installations that checked in on at least 7 of the last 14 days, and a combination of fewer than 5 of them is never published on its own. That keeps one installation's setup out of what readers see. It cannot stop someone who runs several installations of their own for weeks with a chosen setup from learning whether another installation shares it.</p>
    <p>To opt out, set <code>ANALYTICS = False</code> in the pulpcore settings.</p>
    <h3 id="open-data">Open data</h3>
    <p>Every chart's numbers are linked next to it as JSON and CSV, and here: ${OPEN_DATA}. Longer ranges than 90 days add one file of weekly points per year (<code>/api/v1/page/weekly/&lt;year&gt;</code>); the series and the CSV have every day.</p>
  </section>
</main>
</body>
</html>
`;
