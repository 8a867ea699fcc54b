// The page's script: fetches /api/v1/page (one KV read behind the edge cache) and draws every
// chart with frappe-charts. Text from the data goes into the DOM as textContent; frappe-charts
// writes labels with innerHTML, so everything handed to it is escaped first.
import * as model from "./chart-data.js";
import { Chart } from "./vendor/frappe-charts.js";

// Dots on a line only while there is room for them (the 30-day range).
const DOTS_UP_TO = 31;

/** Every drawn chart by name: a new time range updates it in place rather than redrawing. */
const drawn = new Map();

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
  return datasets.map((d) =>
    d.name === "Other" ? model.OTHER_COLOR : model.CHART_COLORS[next++ % model.CHART_COLORS.length],
  );
}

/** The legend as HTML (it wraps on a phone, unlike frappe-charts' own, which truncates). */
function legend(datasets, colors) {
  return el(
    "ul",
    { className: "legend" },
    datasets.map((d, i) => {
      const swatch = el("span", { className: "swatch" });
      swatch.style.background = colors[i];
      return el("li", {}, [swatch, d.name]);
    }),
  );
}

/**
 * Draws `chart` into `target` (named `name` for tests and assistive tech), or says plainly that
 * there is nothing to draw.
 */
function draw(target, name, chart, options) {
  const points = chart.datasets.reduce((n, d) => n + d.values.filter((v) => v > 0).length, 0);
  const data = {
    labels: chart.labels.map(model.escapeHtml),
    datasets: chart.datasets.map((d) => ({ name: model.escapeHtml(d.name), values: d.values })),
    yMarkers: options.yMarkers,
  };
  const shape = `${options.type}/${chart.datasets.length}`;
  const current = drawn.get(name);
  if (current?.shape === shape && points > 0) {
    current.chart.update(data);
    return;
  }
  if (current) {
    current.chart.destroy();
    // frappe-charts 1.6 draws its data 700 ms after creation, and destroy() does not cancel
    // that timer: the old chart would then draw into a detached node.
    current.chart.update = () => {};
    drawn.delete(name);
  }
  target.replaceChildren();
  if (chart.labels.length === 0 || points === 0) {
    target.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));
    return;
  }
  // A percentage chart colors its slices (labels), the others their datasets.
  const colors = colorsFor(
    options.type === "percentage" ? chart.labels.map((name) => ({ name })) : chart.datasets,
  );
  const canvas = el("div", { className: "frappe" });
  canvas.dataset.name = name;
  target.append(canvas);
  if (options.type === "percentage") {
    const shares = chart.datasets[0]?.values ?? [];
    const items = chart.labels.map((label, i) => ({ name: `${label}: ${shares[i]}%` }));
    target.append(legend(items, colors));
  } else if (chart.datasets.length > 1) {
    target.append(legend(chart.datasets, colors));
  }
  // Without animation frappe-charts never swaps its SVG while a resize redraws it (that throws).
  const instance = new Chart(canvas, { height: 220, colors, animate: 0, ...options, data });
  // frappe-charts first draws zeros and its data only 700 ms later; draw the data now (its own
  // delayed update then redraws the same data, unseen).
  instance.update(data);
  drawn.set(name, { chart: instance, shape });
}

// frappe-charts cannot draw a line through a single point (the first summarized day): bars then.
// By the chart's own days: a share chart leaves out days without any report.
const timeLine = (chart, tooltip = (v) => v) => ({
  type: chart.labels.length > 1 ? "line" : "bar",
  axisOptions: { xIsSeries: true, xAxisMode: "tick", shortenYAxisNumbers: true },
  lineOptions: { hideDots: chart.labels.length > DOTS_UP_TO ? 1 : 0, dotSize: 3 },
  tooltipOptions: { formatTooltipY: tooltip },
});
// An unlabeled marker at 0 % keeps 0 on the y axis: frappe-charts would scale a share that is
// 100 % every day (a component with one version) from 100 up to 600.
const shares = (chart) => ({
  ...timeLine(chart, (v) => `${v}%`),
  yMarkers: [{ label: "", value: 0 }],
});
// Bucket labels ("0", "3-4", … "1025-2048") are longer than a bar is wide on a phone, and
// frappe-charts would overlap them or cut them to "...". As a series it labels every n-th bar
// instead, n from the longest label at a generous 7 px a character (its 10 px digits are about
// 6), so shown labels never touch; every bar stays (merging the tail would hide, say, how many
// installations are over a year old) and its tooltip names its whole bucket.
const latestBars = {
  type: "bar",
  axisOptions: { xAxisMode: "tick", xIsSeries: true },
  barOptions: { spaceRatio: 0.3 },
};

function card(id) {
  const section = document.getElementById(id);
  return {
    chart: section.querySelector(":scope > .chart:not(.chart-latest)"),
    latest: section.querySelector(":scope > .chart-latest"),
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

/** The charts that do not depend on the time range, and a place for each component's chart. */
function layout(page) {
  const list = document.getElementById("components");
  const targets = new Map();
  for (const component of model.components(page)) {
    const target = el("div", { className: "chart" });
    const keys = model.versionShareChart(page, component, []).keys;
    list.append(
      el("article", { className: "component" }, [
        el("h3", { textContent: component }),
        target,
        exactTable(page, component),
        dataLinks(keys),
      ]),
    );
    targets.set(component, target);
  }
  if (targets.size === 0)
    list.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));

  const postgresql = card("postgresql");
  const pgLatest = model.postgresqlLatestChart(page);
  draw(postgresql.latest, "postgresql:latest", pgLatest, {
    type: "percentage",
    height: 110,
    // Beyond maxSlices frappe-charts sorts the slices largest first and merges the tail into a
    // "Rest" of its own, out of step with the legend: the model already names at most one
    // major per palette color plus "Other".
    maxSlices: model.TOP_MAJORS + 1,
  });

  const age = card("age");
  const ages = model.ageChart(page);
  draw(age.chart, "age", ages, latestBars);
  age.links.replaceChildren(dataLinks(ages.keys));

  const rbac = card("rbac");
  const measures = model.rbacCharts(page);
  for (const { measure, chart } of measures) {
    const target = el("div", { className: "chart" });
    rbac.chart.append(
      el("figure", {}, [el("figcaption", { textContent: model.RBAC_LABEL[measure] }), target]),
    );
    draw(target, `rbac:${measure}`, chart, { ...latestBars, height: 180 });
  }
  if (measures.length === 0)
    rbac.chart.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));
  rbac.links.replaceChildren(dataLinks(measures.flatMap(({ chart }) => chart.keys)));
  return targets;
}

/** The time-series charts, for one time range. */
function render(page, range, components) {
  const days = model.chartDays(page, range);

  const installations = card("installations");
  const systems = model.installationsChart(page, days);
  draw(installations.chart, "installations", systems, timeLine(systems));
  installations.links.replaceChildren(dataLinks(systems.keys));

  for (const [component, target] of components) {
    const versions = model.versionShareChart(page, component, days);
    draw(target, `versions:${component}`, versions, shares(versions));
  }

  const deployment = card("deployment");
  const size = model.deploymentChart(page, days);
  draw(deployment.chart, "deployment", size, timeLine(size));
  deployment.links.replaceChildren(dataLinks(size.keys));

  const postgresql = card("postgresql");
  const pgShare = model.postgresqlShareChart(page, days);
  draw(postgresql.chart, "postgresql", pgShare, shares(pgShare));
  postgresql.links.replaceChildren(dataLinks(pgShare.keys));
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
  let data;
  try {
    const response = await fetch("/api/v1/page");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    data = await response.json();
  } catch {
    status.textContent = "The data could not be loaded right now; please try again later.";
    return;
  }
  const page = model.chartPage(data);
  if (page.asOf === null) {
    status.textContent = "No summary yet.";
    document.getElementById("empty").hidden = false;
    return;
  }
  status.textContent = `Data as of ${model.isoDay(page.asOf)} (UTC).`;
  document.getElementById("charts").hidden = false;
  document.getElementById("controls").hidden = false;
  let range = rangeFromHash();
  showRange(range);
  const components = layout(page);
  render(page, range, components);
  for (const button of document.querySelectorAll("[data-range]")) {
    button.addEventListener("click", () => {
      range = button.dataset.range;
      history.replaceState(null, "", `#range=${range}`);
      showRange(range);
      // Only the time-series charts depend on the range: laying out again would add every
      // component and RBAC chart a second time.
      render(page, range, components);
    });
  }
}

main();
