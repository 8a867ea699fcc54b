// The page's script: fetches /api/v1/page (one KV read behind the edge cache) and draws every
// chart with frappe-charts. Text from the data goes into the DOM as textContent; frappe-charts
// writes labels with innerHTML, so everything handed to it is escaped first.
import * as model from "./chart-data.js";
import { Chart } from "./vendor/frappe-charts.js";

const PALETTE = [
  "#2b6cb0",
  "#dd6b20",
  "#2f855a",
  "#805ad5",
  "#c53030",
  "#0987a0",
  "#b7791f",
  "#d53f8c",
];
const OTHER_COLOR = "#a0aec0";
const LONG_SERIES = 45;

/** Every live chart, destroyed before a redraw so no stale resize listener remains. */
let live = [];

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

const seriesUrl = (key, csv) => `/api/v1/series/${encodeURIComponent(key)}${csv ? ".csv" : ""}`;

function seriesLinks(key, label = key) {
  return el("li", {}, [
    el("span", { className: "series", textContent: label }),
    " ",
    el("a", { href: seriesUrl(key, false), textContent: "JSON" }),
    " ",
    el("a", { href: seriesUrl(key, true), textContent: "CSV" }),
  ]);
}

/** The data behind a chart, folded away when it is more than a few series. */
function dataLinks(keys) {
  const list = el(
    "ul",
    { className: "links" },
    keys.map((key) => seriesLinks(key)),
  );
  if (keys.length <= 2)
    return el("div", { className: "data" }, [el("span", { textContent: "Data: " }), list]);
  return el("details", { className: "data" }, [
    el("summary", { textContent: `Data: ${keys.length} series (JSON, CSV)` }),
    list,
  ]);
}

function colorsFor(datasets) {
  let next = 0;
  return datasets.map((d) => (d.name === "Other" ? OTHER_COLOR : PALETTE[next++ % PALETTE.length]));
}

/** Draws `chart` into `target`, or says plainly that there is nothing to draw. */
function draw(target, chart, options) {
  target.replaceChildren();
  const points = chart.datasets.reduce((n, d) => n + d.values.filter((v) => v > 0).length, 0);
  if (chart.labels.length === 0 || points === 0) {
    target.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));
    return;
  }
  const canvas = el("div", { className: "frappe" });
  target.append(canvas);
  live.push(
    new Chart(canvas, {
      height: 240,
      colors: colorsFor(chart.datasets),
      ...options,
      data: {
        labels: chart.labels.map(model.escapeHtml),
        datasets: chart.datasets.map((d) => ({ name: model.escapeHtml(d.name), values: d.values })),
      },
    }),
  );
}

const timeLine = (days) => ({
  type: "line",
  axisOptions: { xIsSeries: true, xAxisMode: "tick", shortenYAxisNumbers: true },
  lineOptions: { hideDots: days.length > LONG_SERIES ? 1 : 0, dotSize: 3 },
});
const shareBars = {
  type: "bar",
  barOptions: { stacked: 1, spaceRatio: 0.15 },
  axisOptions: { xIsSeries: true, xAxisMode: "tick" },
  tooltipOptions: { formatTooltipY: (v) => `${v}%` },
};
const latestBars = {
  type: "bar",
  axisOptions: { xAxisMode: "tick" },
  barOptions: { spaceRatio: 0.3 },
};

function card(id) {
  const section = document.getElementById(id);
  return {
    chart: section.querySelector(".chart:not(.chart-latest)"),
    latest: section.querySelector(".chart-latest"),
    links: section.querySelector(".data-links"),
  };
}

function exactTable(page, component) {
  const rows = model.exactVersions(page, component);
  const day = model.isoDay(page.asOf);
  if (rows.length === 0)
    return el("p", { className: "nodata", textContent: `No exact versions on ${day}.` });
  const head = el(
    "tr",
    {},
    ["Version", "Installations", "Share", "History"].map((t) =>
      el("th", { scope: "col", textContent: t }),
    ),
  );
  const body = rows.map((r) =>
    el("tr", {}, [
      el("td", { textContent: r.version }),
      el("td", { textContent: String(r.installations) }),
      el("td", { textContent: `${r.share}%` }),
      el("td", {}, [
        el("a", { href: seriesUrl(r.key, false), textContent: "JSON" }),
        " ",
        el("a", { href: seriesUrl(r.key, true), textContent: "CSV" }),
      ]),
    ]),
  );
  return el("details", { className: "exact" }, [
    el("summary", { textContent: `Exact versions on ${day} (${rows.length})` }),
    el("div", { className: "scroll" }, [
      el("table", {}, [el("thead", {}, [head]), el("tbody", {}, body)]),
    ]),
  ]);
}

function render(page, range) {
  for (const chart of live) chart.destroy();
  live = [];
  const days = model.chartDays(page, range);

  const installations = card("installations");
  const systems = model.installationsChart(page, days);
  draw(installations.chart, systems, timeLine(days));
  installations.links.replaceChildren(dataLinks(systems.keys));

  const list = document.getElementById("components");
  list.replaceChildren();
  for (const component of model.components(page)) {
    const chart = model.versionShareChart(page, component, days);
    const target = el("div", { className: "chart" });
    list.append(
      el("article", { className: "component" }, [
        el("h3", { textContent: component }),
        target,
        exactTable(page, component),
        dataLinks(chart.keys),
      ]),
    );
    draw(target, chart, shareBars);
  }
  if (list.childElementCount === 0)
    list.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));

  const deployment = card("deployment");
  const size = model.deploymentChart(page, days);
  draw(deployment.chart, size, timeLine(days));
  deployment.links.replaceChildren(dataLinks(size.keys));

  const postgresql = card("postgresql");
  const pgLatest = model.postgresqlLatestChart(page);
  draw(postgresql.latest, pgLatest, { type: "percentage", height: 160, maxSlices: 8 });
  const pgShare = model.postgresqlShareChart(page, days);
  draw(postgresql.chart, pgShare, shareBars);
  postgresql.links.replaceChildren(dataLinks(pgShare.keys));

  const age = card("age");
  const ages = model.ageChart(page);
  draw(age.chart, ages, latestBars);
  age.links.replaceChildren(dataLinks(ages.keys));

  const rbac = card("rbac");
  const usage = model.rbacChart(page);
  draw(rbac.chart, usage, latestBars);
  rbac.links.replaceChildren(dataLinks(usage.keys));
}

function rangeFromHash() {
  const value = new URLSearchParams(location.hash.slice(1)).get("range") ?? "";
  return model.isRangeId(value) ? value : model.DEFAULT_RANGE;
}

function showRange(range) {
  for (const button of document.querySelectorAll("[data-range]")) {
    button.setAttribute("aria-pressed", String(button.dataset.range === range));
  }
}

async function main() {
  const status = document.getElementById("as-of");
  let page;
  try {
    const response = await fetch("/api/v1/page");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    page = await response.json();
  } catch {
    status.textContent = "The data could not be loaded right now; please try again later.";
    return;
  }
  if (page.asOf === null) {
    status.textContent = "No summary yet.";
    document.getElementById("empty").hidden = false;
    return;
  }
  status.textContent = `Data as of ${model.isoDay(page.asOf)} (UTC), from ${page.keys.length} published series.`;
  document.getElementById("charts").hidden = false;
  document.getElementById("controls").hidden = false;
  let range = rangeFromHash();
  showRange(range);
  render(page, range);
  for (const button of document.querySelectorAll("[data-range]")) {
    button.addEventListener("click", () => {
      range = button.dataset.range;
      history.replaceState(null, "", `#range=${range}`);
      showRange(range);
      render(page, range);
    });
  }
}

main();
