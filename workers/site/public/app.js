// The page's script: fetches /api/v1/page (one KV read behind the edge cache), draws every chart
// with frappe-charts, and fetches a year of weekly history (/api/v1/page/weekly/<YYYY>) only when
// "1 year" or "All" is chosen, once per year. Text from the data goes into the DOM as
// textContent; frappe-charts writes labels with innerHTML, so everything handed to it is
// escaped first.
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

/**
 * Lets the browser paint and handle input once the current task has run for a slice, so no
 * single task draws every chart (the longest task stays about a slice long), without paying a
 * frame for every chart.
 */
const SLICE_MS = 40;
let sliceStart = performance.now();
async function nextTask() {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await (globalThis.scheduler?.yield
    ? globalThis.scheduler.yield()
    : new Promise((resolve) => setTimeout(resolve, 0)));
  sliceStart = performance.now();
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

// frappe-charts centers each x-axis label under its point and, for a series, labels every n-th
// point counting from the first: the last label then often hangs out of the chart's right edge
// (and the latest day is often unlabeled). After every drawing of a time-series chart the page
// labels every n-th point counting back from the latest instead, n from the labels' measured
// width, and moves the latest label left as far as it needs to stay inside the chart.
const LABEL_GAP = 12;

/** The x offset of an SVG element in its svg, from the `translate(x, y)` of it and its groups. */
function offsetX(node, svg) {
  let x = 0;
  for (let at = node; at && at !== svg; at = at.parentNode) {
    const match = /translate\(\s*(-?[\d.]+)/.exec(at.getAttribute?.("transform") ?? "");
    if (match) x += Number(match[1]);
  }
  return x;
}

/** Text widths in the font of an SVG text element, measured on a canvas (no layout). */
const measurer = document.createElement("canvas").getContext("2d");
function textWidth(text, sample) {
  const style = getComputedStyle(sample);
  measurer.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
  return measurer.measureText(text).width;
}

// Reads no layout: positions come from frappe-charts' own transforms and the svg's width
// attribute, label widths from a canvas, so fitting 20 charts forces no 20 page layouts.
function fitLabels(canvas, labels) {
  const svg = canvas.querySelector("svg");
  const texts = svg ? [...svg.querySelectorAll(".x.axis text")] : [];
  if (texts.length !== labels.length || texts.length === 0) return;
  if (texts.every((t) => t.dataset.fit === "1")) return;
  const right = Number(svg.getAttribute("width"));
  const last = texts.length - 1;
  const longest = labels.reduce((a, b) => (b.length > a.length ? b : a), "");
  const width = textWidth(longest, texts[last]);
  const x = (i) => offsetX(texts[i].parentNode, svg);
  const lastX = x(last);
  const slot = last > 0 ? (lastX - x(0)) / last : width;
  const shift = Math.max(0, lastX + width / 2 - (right - 1));
  const step = Math.max(1, Math.ceil((width + LABEL_GAP + shift) / Math.max(slot, 0.01)));
  texts.forEach((text, i) => {
    text.textContent = (last - i) % step === 0 ? labels[i] : "";
    text.dataset.fit = "1";
  });
  texts[last].removeAttribute("x");
  if (shift > 0) texts[last].setAttribute("x", String(-shift));
  // The earliest shown label, if it hangs out on the left, is left out.
  const firstShown = last % step;
  if (firstShown !== last && x(firstShown) - width / 2 < 1) texts[firstShown].textContent = "";
}

/** Keeps a chart's x-axis labels fitted through every redraw (resize, update, frappe's own). */
function watchLabels(canvas, state) {
  const observer = new MutationObserver(() => fitLabels(canvas, state.labels));
  observer.observe(canvas, { childList: true, subtree: true });
  fitLabels(canvas, state.labels);
  return observer;
}

// frappe-charts' own update, whatever a chart instance's `update` property says (see draw).
const frappeUpdate = (instance, data) =>
  Object.getPrototypeOf(instance).update.call(instance, data);

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
  const shape = `${options.type}/${chart.datasets.map((d) => d.name).join("|")}`;
  const current = drawn.get(name);
  if (current?.shape === shape && points > 0) {
    current.labels.labels = chart.labels;
    frappeUpdate(current.chart, data);
    return;
  }
  if (current) {
    current.observer?.disconnect();
    current.chart.destroy();
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
    // Stacked, the first dataset is at the bottom: the legend reads top-down like the stack.
    const order = chart.datasets.map((_, i) => i);
    if (options.barOptions?.stacked) order.reverse();
    target.append(
      legend(
        order.map((i) => chart.datasets[i]),
        order.map((i) => colors[i]),
      ),
    );
  }
  // frappe-charts first draws zeros of the data's size, then the data: constructed with the
  // first two points only (a line needs two), that first drawing costs next to nothing.
  const first = {
    ...data,
    labels: data.labels.slice(0, 2),
    datasets: data.datasets.map((d) => ({ ...d, values: d.values.slice(0, 2) })),
  };
  // Without animation frappe-charts never swaps its SVG while a resize redraws it (that throws).
  const instance = new Chart(canvas, {
    height: 220,
    colors,
    animate: 0,
    ...options,
    data: first,
  });
  // frappe-charts draws its data again 700 ms after creation (and after destroy()): the page has
  // drawn it already, so that one call is swallowed; the page updates through frappeUpdate.
  instance.update = () => {
    instance.update = (d) => frappeUpdate(instance, d);
  };
  // frappe-charts redraws on every window resize and every ResizeObserver report, including the
  // one a ResizeObserver makes as it starts: that would draw every chart a second time, all in
  // one task. Only a new width is worth a redraw.
  let width = canvas.clientWidth;
  instance.draw = (onlyWidthChange = false, init = false) => {
    if (onlyWidthChange && canvas.clientWidth === width) return;
    width = canvas.clientWidth;
    Object.getPrototypeOf(instance).draw.call(instance, onlyWidthChange, init);
  };
  frappeUpdate(instance, data);
  const state = { labels: chart.labels };
  const observer = options.fitLabels ? watchLabels(canvas, state) : null;
  drawn.set(name, { chart: instance, shape, labels: state, observer });
}

// frappe-charts cannot draw a line through a single point (the first summarized day): bars then.
// By the chart's own days: a share chart leaves out days without any report.
const timeLine = (chart, tooltip = (v) => v) => ({
  type: chart.labels.length > 1 ? "line" : "bar",
  axisOptions: { xIsSeries: true, xAxisMode: "tick", shortenYAxisNumbers: true },
  lineOptions: { hideDots: chart.labels.length > DOTS_UP_TO ? 1 : 0, dotSize: 3 },
  tooltipOptions: { formatTooltipY: tooltip },
  fitLabels: true,
});
// Shares as stacked bars: each day's bar is 100 %, each x.y a band of it, which is how release
// adoption reads (one version's rise is the others' fall), and hovering a bar lists every
// band's own share. Bars, not cumulative lines: a line chart's tooltip would show the running
// totals, and its filled regions overlap rather than stack.
const stackedShares = (chart) => ({
  type: "bar",
  barOptions: { stacked: true, spaceRatio: chart.labels.length > DOTS_UP_TO ? 0.05 : 0.2 },
  axisOptions: { xIsSeries: true, xAxisMode: "tick" },
  tooltipOptions: { formatTooltipY: (v) => `${v}%` },
  fitLabels: true,
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

const count = (n) => n.toLocaleString("en");

/** The exact versions of the latest day: one folded table per x.y, all folded in one. */
function exactTable(page, component) {
  const groups = model.exactVersionGroups(page, component);
  const day = model.isoDay(page.asOf);
  if (groups.length === 0)
    return el("p", { className: "nodata", textContent: `No exact versions on ${day}.` });
  const versions = groups.reduce((n, g) => n + g.versions.length, 0);
  const head = () =>
    el(
      "tr",
      {},
      ["Version", "Installations", "Share", "History"].map((t) =>
        el("th", { scope: "col", textContent: t }),
      ),
    );
  const row = (r) =>
    el("tr", {}, [
      el("td", { textContent: r.version }),
      el("td", { textContent: count(r.installations) }),
      el("td", { textContent: `${r.share}%` }),
      el("td", {}, [
        el("a", { href: seriesUrl(r.key, false), textContent: "JSON" }),
        " ",
        el("a", { href: seriesUrl(r.key, true), textContent: "CSV" }),
      ]),
    ]);
  const group = (g) =>
    el("details", { className: "xy" }, [
      el("summary", {}, [
        el("span", { className: "xy-name", textContent: g.xy }),
        el("span", {
          className: "xy-count",
          textContent: `${count(g.installations)} (${g.share}%), ${g.versions.length} version${g.versions.length === 1 ? "" : "s"}`,
        }),
      ]),
      el("div", { className: "scroll" }, [
        el("table", {}, [el("thead", {}, [head()]), el("tbody", {}, g.versions.map(row))]),
      ]),
    ]);
  // Built when first opened: hundreds of rows nobody may look at need not delay the charts.
  const fold = el("details", { className: "exact" }, [
    el("summary", {
      textContent: `Exact versions on ${day}: ${versions} in ${groups.length} x.y`,
    }),
  ]);
  // The x.y with at least 1 % of installations each, newest first; the long tail of small and
  // old ones in one more fold.
  const major = groups.filter((g) => g.share >= 1);
  const minor = groups.filter((g) => g.share < 1);
  const tail = () => {
    const installations = minor.reduce((n, g) => n + g.installations, 0);
    const share = Math.round(minor.reduce((n, g) => n + g.share, 0) * 10) / 10;
    return el("details", { className: "xy tail" }, [
      el("summary", {
        textContent: `${minor.length} more x.y under 1 % each: ${count(installations)} (${share}%)`,
      }),
      el("div", { className: "groups" }, minor.map(group)),
    ]);
  };
  fold.addEventListener(
    "toggle",
    () =>
      fold.append(
        el("div", { className: "groups" }, [
          ...(major.length > 0 ? major : minor).map(group),
          ...(major.length > 0 && minor.length > 0 ? [tail()] : []),
        ]),
      ),
    { once: true },
  );
  return fold;
}

/**
 * `text` as nodes, each ISO date in it kept on one line (a phone would break it at a hyphen);
 * the text is unchanged.
 */
function withDates(text) {
  return text
    .split(/(\d{4}-\d{2}-\d{2})/)
    .map((part, i) =>
      i % 2 === 1 ? el("span", { className: "nowrap", textContent: part }) : part,
    );
}

const signed = (n) => (n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : "0");
const signedPercent = (n) => `${n > 0 ? "+" : n < 0 ? "−" : ""}${Math.abs(n)}\u00a0%`;

/** The headline: a strip of the numbers a visitor looks for first (no chart). */
function showHeadline(page) {
  const head = model.headline(page);
  const section = document.getElementById("headline");
  if (!head) return;
  const stat = (label, value, detail) =>
    el("div", { className: "stat" }, [
      el("dt", { textContent: label }),
      el("dd", { className: "value", textContent: value }),
      el("dd", { className: "detail" }, withDates(detail)),
    ]);
  const stats = [
    stat("Installations reporting", count(head.installations), `on ${head.day}, the latest day`),
    head.change
      ? stat(
          `Change over ${model.CHANGE_DAYS} days`,
          signed(head.change.absolute),
          head.change.percent === null
            ? `since ${head.change.since}`
            : `${signedPercent(head.change.percent)} since ${head.change.since}`,
        )
      : stat(`Change over ${model.CHANGE_DAYS} days`, "—", "no earlier day to compare with yet"),
    head.core
      ? stat(
          "Most used core version",
          head.core.xy,
          `on ${head.core.share}\u00a0% of installations running core (${count(head.core.installations)})`,
        )
      : stat("Most used core version", "—", "no core version reported"),
    head.postgresql
      ? stat(
          "On a supported PostgreSQL",
          `${head.postgresql.share}\u00a0%`,
          `${model.supportedPostgresqlLabel()}, of ${count(head.postgresql.known)} with a known version` +
            (head.postgresql.unknown > 0
              ? ` (${count(head.postgresql.unknown)} unknown left out)`
              : ""),
        )
      : stat("On a supported PostgreSQL", "—", "no PostgreSQL version reported"),
  ];
  section.querySelector(".stats").replaceChildren(...stats);
  section.hidden = false;
}

/** Every year of weekly history, fetched once for all of the components' adoption tables. */
let allYears = null;
function everyYear(page) {
  if (!allYears) {
    allYears = Promise.all(model.yearsFor(page, "all").map(weeklyYear));
    allYears.catch(() => {
      allYears = null;
    });
  }
  return allYears;
}

/** A bar's track: decoration only, the share is written next to it. */
function track(bar) {
  const node = el("span", { className: "track" }, [bar]);
  node.setAttribute("aria-hidden", "true");
  return node;
}

const daysText = (n) => (n === null ? "—" : `${count(n)} day${n === 1 ? "" : "s"}`);

/** The adoption tables of one component, from the page and (when loaded) the weekly years. */
function adoptionTables(page, component, weeks) {
  const day = model.isoDay(page.asOf);
  const rows = model.atLeastShares(page, component);
  if (rows.length === 0)
    return [el("p", { className: "nodata", textContent: `No ${component} version on ${day}.` })];
  const head = (titles) =>
    el("thead", {}, [
      el(
        "tr",
        {},
        titles.map((t) => el("th", { scope: "col", textContent: t })),
      ),
    ]);
  const atLeast = el("table", { className: "at-least" }, [
    el("caption", {}, withDates(`Installations on each x.y or newer, ${day}`)),
    head(["x.y", "On it", "It or newer"]),
    el(
      "tbody",
      {},
      rows.map((r) => {
        const bar = el("span", { className: "bar" });
        bar.style.width = `${r.atLeast}%`;
        return el("tr", {}, [
          el("th", { scope: "row", textContent: `${r.xy} or newer` }),
          el("td", { textContent: count(r.installations) }),
          el("td", { className: "share" }, [
            track(bar),
            el("span", { textContent: `${r.atLeast} %` }),
          ]),
        ]);
      }),
    ),
  ]);
  const series = model.adoptionSeries(page, component, weeks);
  const times = model.timeToShare(
    series,
    rows.map((r) => r.xy),
  );
  const span = weeks
    ? "over the whole history (weekly points before the last 90 days, so to within a week)"
    : "within the last 90 days";
  const [quarter, half] = model.ADOPTION_THRESHOLDS;
  const timeTable = el("table", { className: "time-to" }, [
    el("caption", {
      textContent: `Days each release took to reach ${quarter} % and ${half} % of installations, counting newer x.y, ${span}`,
    }),
    head(["x.y", "First seen", `${quarter} %`, `${half} %`]),
    el(
      "tbody",
      {},
      times.map((t) =>
        el("tr", {}, [
          el("th", { scope: "row", textContent: t.xy }),
          el("td", { textContent: t.firstSeen ?? "earlier" }),
          ...t.days.map((n) => el("td", { textContent: daysText(n) })),
        ]),
      ),
    ),
  ]);
  const note = el("p", {
    className: "note",
    textContent: `“—”: not reached yet, or the release was already in use when the ${weeks ? "history" : "90 days"} began (first seen “earlier”).`,
  });
  return [
    el("div", { className: "scroll" }, [atLeast]),
    el("div", { className: "scroll" }, [timeTable]),
    note,
  ];
}

/**
 * The "Adoption" fold of a component, computed when first opened: the first view computes
 * nothing for it. Opening it fetches every year of weekly history once (shared by every
 * component and by "All"): how long a release took to spread needs the day it first appeared,
 * which for most of the recent x.y is before the page's 90 days. Until then, or if the history
 * cannot be loaded, the tables say they are from the last 90 days.
 */
function adoptionFold(page, component) {
  const fold = el("details", { className: "adoption" }, [
    el("summary", { textContent: "Adoption" }),
  ]);
  const body = el("div", { className: "adoption-body" });
  fold.append(body);
  fold.addEventListener(
    "toggle",
    async () => {
      const status = el("p", { className: "note", textContent: "Loading the weekly history…" });
      status.setAttribute("role", "status");
      body.setAttribute("aria-busy", "true");
      body.replaceChildren(status);
      let weeks = null;
      try {
        weeks = await everyYear(page);
      } catch {
        weeks = null;
      }
      body.replaceChildren(...adoptionTables(page, component, weeks));
      if (!weeks)
        body.prepend(
          el("p", {
            className: "note",
            textContent: "The weekly history could not be loaded: the last 90 days only.",
          }),
        );
      body.removeAttribute("aria-busy");
    },
    { once: true },
  );
  return fold;
}

/**
 * The cards and the charts that do not depend on the time range; returns, per component, where
 * its versions chart goes. Drawn one chart per task.
 */
async function layout(page) {
  const list = document.getElementById("components");
  const targets = new Map();
  for (const component of model.components(page)) {
    const target = el("div", { className: "chart" });
    list.append(
      el("article", { className: "component" }, [
        el("h3", { textContent: component }),
        target,
        exactTable(page, component),
        adoptionFold(page, component),
        dataLinks(model.versionKeys(page, component)),
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
  return {
    components: targets,
    // The latest-day bucket charts, drawn after the time series (they are further down).
    async drawLatest() {
      const age = card("age");
      const ages = model.ageChart(page);
      draw(age.chart, "age", ages, latestBars);
      age.links.replaceChildren(dataLinks(ages.keys));

      const rbac = card("rbac");
      const measures = model.rbacCharts(page);
      for (const { measure, chart } of measures) {
        await nextTask();
        const target = el("div", { className: "chart" });
        rbac.chart.append(
          el("figure", {}, [el("figcaption", { textContent: model.RBAC_LABEL[measure] }), target]),
        );
        draw(target, `rbac:${measure}`, chart, { ...latestBars, height: 180 });
      }
      if (measures.length === 0)
        rbac.chart.append(el("p", { className: "nodata", textContent: "Nothing reported yet." }));
      rbac.links.replaceChildren(dataLinks(measures.flatMap(({ chart }) => chart.keys)));
    },
  };
}

/** The time-series charts of one range, one chart per task. */
async function render(data, components) {
  const installations = card("installations");
  const systems = model.installationsChart(data);
  draw(installations.chart, "installations", systems, timeLine(systems));
  installations.links.replaceChildren(dataLinks(systems.keys));

  for (const [component, target] of components) {
    await nextTask();
    const versions = model.versionShareChart(data, component);
    draw(target, `versions:${component}`, versions, stackedShares(versions));
  }

  await nextTask();
  const deployment = card("deployment");
  const size = model.deploymentChart(data);
  draw(deployment.chart, "deployment", size, timeLine(size));
  deployment.links.replaceChildren(dataLinks(size.keys));

  await nextTask();
  const postgresql = card("postgresql");
  const pgShare = model.postgresqlShareChart(data);
  draw(postgresql.chart, "postgresql", pgShare, stackedShares(pgShare));
  postgresql.links.replaceChildren(dataLinks(pgShare.keys));
}

/** Weekly history by year, each fetched once (a failed fetch is tried again next time). */
const weekly = new Map();

function weeklyYear(year) {
  let pending = weekly.get(year);
  if (!pending) {
    pending = fetch(`/api/v1/page/weekly/${year}`).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    });
    pending.catch(() => weekly.delete(year));
    weekly.set(year, pending);
  }
  return pending;
}

/** The chart data of a range: daily from the page, or weekly from the years it needs. */
async function rangeData(page, range) {
  if (!model.isWeeklyRange(range)) return model.dailyChartData(page, range);
  const years = model.yearsFor(page, range);
  return model.weeklyChartData(page, await Promise.all(years.map(weeklyYear)), range);
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
  const note = document.getElementById("range-note");
  const charts = document.getElementById("charts");
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
  status.textContent = `Data as of ${model.isoDay(page.asOf)} (UTC).`;
  // The health rule of GET /api/v1/health, against this browser's clock.
  const stale = model.staleNotice(page, Date.now());
  if (stale) {
    const notice = document.getElementById("stale");
    notice.replaceChildren(...withDates(stale));
    notice.hidden = false;
  }
  showHeadline(page);
  charts.hidden = false;
  document.getElementById("controls").hidden = false;

  // Only the latest choice is drawn: a slow year must not overwrite a range chosen after it.
  let latestChoice = 0;
  async function choose(range) {
    const choice = ++latestChoice;
    showRange(range);
    let data;
    if (model.isWeeklyRange(range) && model.yearsFor(page, range).some((y) => !weekly.has(y))) {
      note.textContent = "Loading the weekly history…";
      charts.setAttribute("aria-busy", "true");
    }
    try {
      data = await rangeData(page, range);
    } catch {
      if (choice === latestChoice) {
        charts.removeAttribute("aria-busy");
        note.textContent = "That history could not be loaded right now; please try again later.";
      }
      return;
    }
    if (choice !== latestChoice) return;
    charts.removeAttribute("aria-busy");
    note.textContent = model.resolutionNote(data);
    // Only the time-series charts depend on the range.
    await render(data, components);
  }

  const { components, drawLatest } = await layout(page);
  const range = rangeFromHash();
  await choose(range);
  for (const button of document.querySelectorAll("[data-range]")) {
    button.addEventListener("click", () => {
      history.replaceState(null, "", `#range=${button.dataset.range}`);
      choose(button.dataset.range);
    });
  }
  await drawLatest();
  // For the benchmark and the tests: every chart of the first view has been drawn.
  charts.dataset.drawn = "all";
}

main();
