/**
 * The page's script, bundled into public/app.js by scripts/build-assets.mjs: fetches
 * /api/v1/page (one KV read behind the edge cache), places every chart and draws each with
 * frappe-charts when it comes near the window (ui/charts.ts), and
 * fetches a year of weekly history (/api/v1/page/weekly/<YYYY>) only when "1 year" or "All" is
 * chosen, once per year. What it shows is computed by the model (model/); this only places it.
 * Text from the data goes into the DOM as textContent; frappe-charts writes labels with
 * innerHTML, so everything handed to it is escaped first (ui/frappe.ts).
 */
import type { PageData } from "@pulp-analytics/shared/store";
import {
  ageChart,
  buildIndex,
  type ChartData,
  components as componentsOf,
  DEFAULT_RANGE,
  dailyChartData,
  deploymentChart,
  installationsChart,
  isoDay,
  isRangeId,
  isWeeklyRange,
  POSTGRESQL_LATEST_SLICES,
  postgresqlLatestChart,
  postgresqlShareChart,
  type RangeId,
  RBAC_LABEL,
  rbacCharts,
  resolutionNote,
  staleNotice,
  versionKeys,
  versionShareChart,
  weeklyChartData,
  yearsFor,
} from "./model";
import { adoptionFold } from "./ui/adoption";
import {
  draw,
  drawEveryChart,
  latestBars,
  stackedShares,
  timeLine,
  watchDrawing,
} from "./ui/charts";
import { byId, card, el, noData, withDates } from "./ui/dom";
import { showHeadline } from "./ui/headline";
import { fetchPage, hasYear, weeklyYear } from "./ui/history";
import { dataLinks } from "./ui/links";
import { drawOverTime } from "./ui/over-time";
import { plannerCard } from "./ui/planner";
import { exactVersionsFold } from "./ui/tables";
import { nextTask } from "./ui/tasks";
import { upgradesSection } from "./ui/upgrades";

/**
 * The cards and the charts that do not depend on the time range; returns, per component, where
 * its versions chart goes. Drawn one chart per task.
 */
async function layout(page: PageData) {
  const list = byId("components");
  const day = isoDay(page.asOf as number);
  const targets = new Map<string, HTMLElement>();
  const jumps: HTMLElement[] = [];
  for (const component of componentsOf(page)) {
    // One card per slice of work: 14 cards with their tables' models are too long for one task.
    await nextTask();
    const target = el("div", { className: "chart" });
    const id = `component-${component.replace(/[^A-Za-z0-9_-]/g, "-")}`;
    jumps.push(el("li", {}, [el("a", { href: `#${id}`, textContent: component })]));
    list.append(
      el("article", { className: "component", id }, [
        el("h3", { textContent: component }),
        target,
        exactVersionsFold(page, component),
        adoptionFold(page, component),
        dataLinks(versionKeys(page, component)),
      ]),
    );
    targets.set(component, target);
  }
  if (targets.size === 0) list.append(noData());
  document.querySelector(".component-links")?.replaceChildren(el("ul", {}, jumps));

  const postgresql = card("postgresql");
  const pgLatest = postgresqlLatestChart(page);
  if (postgresql.latest)
    draw(
      postgresql.latest,
      "postgresql:latest",
      pgLatest,
      {
        type: "percentage",
        height: 110,
        // Beyond maxSlices frappe-charts sorts the slices largest first and merges the tail into
        // a "Rest" of its own, out of step with the legend: the model's slices are all drawn.
        maxSlices: Math.max(POSTGRESQL_LATEST_SLICES, pgLatest.labels.length),
      },
      { kind: "slices", title: "PostgreSQL majors", day, labelHead: "Major" },
    );
  return {
    components: targets,
    // The latest-day bucket charts, drawn after the time series (they are further down).
    async drawLatest() {
      const age = card("age");
      const ages = ageChart(page);
      draw(age.chart, "age", ages, latestBars, {
        kind: "buckets",
        title: "Installation age",
        day,
        labelHead: "Days since first seen",
      });
      age.links.replaceChildren(dataLinks(ages.keys));

      const rbac = card("rbac");
      const measures = rbacCharts(page);
      for (const { measure, chart } of measures) {
        await nextTask();
        const target = el("div", { className: "chart" });
        rbac.chart.append(
          el("figure", {}, [el("figcaption", { textContent: RBAC_LABEL[measure] }), target]),
        );
        draw(
          target,
          `rbac:${measure}`,
          chart,
          { ...latestBars, height: 180 },
          { kind: "buckets", title: `RBAC: ${RBAC_LABEL[measure]}`, day, labelHead: "How many" },
        );
      }
      if (measures.length === 0) rbac.chart.append(noData());
      rbac.links.replaceChildren(dataLinks(measures.flatMap(({ chart }) => chart.keys)));
    },
  };
}

/** The time-series charts of one range, one chart per task. */
async function render(data: ChartData, components: ReadonlyMap<string, HTMLElement>) {
  const installations = card("installations");
  const systems = installationsChart(data);
  draw(installations.chart, "installations", systems, timeLine(systems), {
    kind: "series",
    title: "Installations reporting",
    day: "",
    labelHead: "Date",
  });
  installations.links.replaceChildren(dataLinks(systems.keys));

  for (const [component, target] of components) {
    await nextTask();
    const versions = versionShareChart(data, component);
    draw(target, `versions:${component}`, versions, stackedShares(versions), {
      kind: "shares",
      title: `${component} versions, share of installations`,
      day: "",
      labelHead: "Date",
    });
  }

  await nextTask();
  const deployment = card("deployment");
  const size = deploymentChart(data);
  draw(deployment.chart, "deployment", size, timeLine(size), {
    kind: "series",
    title: "Deployment size, mean per installation",
    day: "",
    labelHead: "Date",
  });
  deployment.links.replaceChildren(dataLinks(size.keys));

  await nextTask();
  const postgresql = card("postgresql");
  const pgShare = postgresqlShareChart(data);
  draw(postgresql.chart, "postgresql", pgShare, stackedShares(pgShare), {
    kind: "shares",
    title: "PostgreSQL majors over time, share of installations",
    day: "",
    labelHead: "Date",
  });
  postgresql.links.replaceChildren(dataLinks(pgShare.keys));

  await nextTask();
  await drawOverTime(data);
}

/** The chart data of a range: daily from the page, or weekly from the years it needs. */
async function rangeData(page: PageData, range: RangeId): Promise<ChartData | null> {
  if (!isWeeklyRange(range)) return dailyChartData(page, range);
  const years = yearsFor(page, range);
  return weeklyChartData(page, await Promise.all(years.map(weeklyYear)), range);
}

function rangeFromHash(): RangeId {
  const value = new URLSearchParams(location.hash.slice(1)).get("range") ?? "";
  return isRangeId(value) ? value : DEFAULT_RANGE;
}

function rangeButtons(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>("[data-range]")];
}

function showRange(range: RangeId) {
  for (const button of rangeButtons()) {
    button.setAttribute("aria-pressed", String(button.dataset.range === range));
  }
}

/** Hides or shows the data's placeholders: hidden when there is no data to show. */
function placeholders(shown: boolean) {
  for (const id of ["headline", "controls", "charts"]) byId(id).hidden = !shown;
}

async function main() {
  const status = byId("as-of");
  const note = byId("range-note");
  const charts = byId("charts");
  let page: PageData;
  try {
    page = await fetchPage();
  } catch {
    status.textContent = "The data could not be loaded.";
    placeholders(false);
    byId("failed").hidden = false;
    return;
  }
  if (page.asOf === null) {
    status.textContent = "No summary yet.";
    placeholders(false);
    byId("empty").hidden = false;
    return;
  }
  // Unpacked a slice at a time before anything reads it: in one task it would block a phone.
  await buildIndex(page, nextTask);
  status.textContent = `Data as of ${isoDay(page.asOf)} (UTC).`;
  // The health rule of GET /api/v1/health, against this browser's clock.
  const stale = staleNotice(page, Date.now());
  if (stale) {
    const notice = byId("stale");
    notice.replaceChildren(...withDates(stale));
    notice.hidden = false;
  }
  showHeadline(page);

  // Only the latest choice is drawn: a slow year must not overwrite a range chosen after it.
  let latestChoice = 0;
  // The range the charts show: what the buttons and the URL return to when a range fails.
  let shown: RangeId | null = null;
  async function choose(range: RangeId) {
    const choice = ++latestChoice;
    showRange(range);
    let data: ChartData | null;
    if (isWeeklyRange(range) && yearsFor(page, range).some((y) => !hasYear(y))) {
      note.textContent = "Loading the weekly history…";
      charts.setAttribute("aria-busy", "true");
    }
    try {
      data = await rangeData(page, range);
    } catch {
      if (choice === latestChoice) {
        charts.removeAttribute("aria-busy");
        const failed = `The history for "${rangeName(range)}" could not be loaded right now`;
        // Back to what is shown; on the first view (a link to "All") to the default range.
        const back = shown ?? DEFAULT_RANGE;
        history.replaceState(null, "", `#range=${back}`);
        if (shown) showRange(shown);
        else await choose(DEFAULT_RANGE);
        note.textContent = `${failed}; showing "${rangeName(back)}". Try again later.`;
      }
      return;
    }
    if (choice !== latestChoice || !data) return;
    charts.removeAttribute("aria-busy");
    shown = range;
    note.textContent = resolutionNote(data);
    // Only the time-series charts and the upgrade paths depend on the range.
    await render(data, components);
    upgrades.show(range);
  }

  const { components, drawLatest } = await layout(page);
  const range = rangeFromHash();
  // For the benchmark and the tests: "all" while every placed chart has its drawing and
  // "Upgrades" has loaded or failed (charts are drawn as they come near the window; a new range
  // can place a chart anew, undrawn; "Upgrades" loads when it comes near).
  let chartsDrawn = false;
  const markDrawn = () => {
    if (chartsDrawn && upgrades.settled()) charts.dataset.drawn = "all";
    else delete charts.dataset.drawn;
  };
  // Fetched when it comes near the window (ui/upgrades.ts), or before a print.
  const upgrades = upgradesSection(page, range, markDrawn);
  // A print shows "Upgrades" too: loaded, then drawn like every other chart.
  addEventListener("beforeprint", () => upgrades.load().then(drawEveryChart));
  await choose(range);
  for (const button of rangeButtons()) {
    button.addEventListener("click", () => {
      const chosen = button.dataset.range ?? "";
      history.replaceState(null, "", `#range=${chosen}`);
      if (isRangeId(chosen)) choose(chosen);
    });
  }
  await drawLatest();
  // Folded: it fetches the joint series only when opened (or when the URL names a rule).
  charts.append(plannerCard(page, rangeFromHash));
  charts.removeAttribute("aria-busy");
  watchDrawing((all) => {
    chartsDrawn = all;
    markDrawn();
  });
}

/** A range button's own name ("1 year"). */
function rangeName(range: RangeId): string {
  return document.querySelector(`[data-range="${range}"]`)?.textContent ?? range;
}

// Loads the data again, in place, after a failed load.
byId("retry").addEventListener("click", () => {
  byId("failed").hidden = true;
  byId("as-of").textContent = "Loading the data…";
  placeholders(true);
  main();
});
// A print shows every chart, including those never scrolled to.
addEventListener("beforeprint", drawEveryChart);
main();
