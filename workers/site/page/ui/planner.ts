/**
 * "Plan a support change" and "Installed together": a folded card below the charts. Nothing is
 * fetched or computed until it is opened (or the URL names a rule, `?plan=`); then the joint
 * chunks it needs come from `/api/v1/joint/<group>/<YYYY>` (one KV read each behind the edge
 * cache), each year once. What it shows is computed by model/planner.ts.
 */
import type { PageData } from "@pulp-analytics/shared/store";
import {
  blockedByCore,
  blockedStays,
  components as componentsOf,
  count as counted,
  countPlan,
  formatPlan,
  isoDay,
  latestDay,
  type Plan,
  parsePlan,
  planChart,
  planGroup,
  planRangeDays,
  planSummary,
  planText,
  planTrend,
  planYears,
  type RangeId,
  stayText,
  togetherOn,
  UPGRADES_GROUPS,
} from "../model";
import { draw, timeLine } from "./charts";
import { el, scrollBox } from "./dom";
import { groupSeries } from "./groups";

const jointGroup = (group: string, years: readonly number[]) => groupSeries("joint", group, years);

/** Rows of "would have to upgrade" shown; the rest are counted in one line. */
const BLOCKED_ROWS = 6;

/**
 * "Installations that would have to upgrade, and how long their kind usually takes": the
 * rule's blocked published cells by the core x.y they run, the most first, with the median days
 * installations have been on that core x.y (the movement series; "—" where not published).
 */
async function blockedTable(
  plan: Plan,
  series: Awaited<ReturnType<typeof jointGroup>>,
  asOf: number,
): Promise<HTMLElement[]> {
  const blocked = blockedByCore(plan, series, asOf).sort(
    (a, b) => b.installations - a.installations,
  );
  if (blocked.length === 0) return [];
  const { route, group } = UPGRADES_GROUPS.medians;
  let medians: Awaited<ReturnType<typeof groupSeries>> | null = null;
  try {
    medians = await groupSeries(route, group, [new Date(asOf).getUTCFullYear()]);
  } catch {
    medians = null;
  }
  const day = medians && latestDay(medians, `${group}__`, asOf);
  const rows = blockedStays(medians ?? new Map(), day ?? null, blocked);
  const what = plan.requires === "postgresql" ? "PostgreSQL" : "core";
  const shown = rows.slice(0, BLOCKED_ROWS);
  const rest = rows.slice(BLOCKED_ROWS);
  const restCount = rest.reduce((n, r) => n + r.installations, 0);
  const note =
    day === null || day === undefined
      ? "Time on a core release is not counted yet (or could not be loaded): “—”."
      : `Median time so far on that core x.y, ${isoDay(day)}, over every installation on it; “—”: fewer than 5 installations.`;
  return [
    scrollBox(
      `Installations that would have to upgrade ${what}`,
      el("table", {}, [
        el("caption", {
          textContent: `Would have to upgrade ${what}, by the core x.y they run (published cells only)`,
        }),
        el("thead", {}, [
          el("tr", {}, [
            el("th", { scope: "col", textContent: "Core x.y" }),
            el("th", { scope: "col", textContent: "Installations" }),
            el("th", { scope: "col", textContent: "Median time on it" }),
          ]),
        ]),
        el("tbody", {}, [
          ...shown.map((r) =>
            el("tr", {}, [
              el("th", { scope: "row", textContent: r.core }),
              el("td", { textContent: counted(r.installations) }),
              el("td", { textContent: r.medianDays === null ? "—" : stayText(r.medianDays) }),
            ]),
          ),
          ...(rest.length > 0
            ? [
                el("tr", {}, [
                  el("th", { scope: "row", textContent: `${rest.length} more x.y` }),
                  el("td", { textContent: counted(restCount) }),
                  el("td", { textContent: "" }),
                ]),
              ]
            : []),
        ]),
      ]),
    ),
    el("p", { className: "note", textContent: note }),
  ];
}

const DEFAULT_PLAN = "core:any:postgresql:14";

/** The plan in the URL (`?plan=`), or null. */
const planInUrl = (): Plan | null => parsePlan(new URLSearchParams(location.search).get("plan"));

function keepInUrl(plan: Plan) {
  const url = new URL(location.href);
  url.searchParams.set("plan", formatPlan(plan));
  history.replaceState(null, "", url);
}

/** The planner's card; `range()` is the page's chosen range when the planner counts. */
export function plannerCard(page: PageData, range: () => RangeId): HTMLElement {
  const asOf = page.asOf as number;
  const plugins = componentsOf(page).filter((c) => c !== "core");
  const fold = el("details", { className: "planner" });
  const form = el("form", { className: "plan-form" });
  const subject = el("select", { name: "subject", ariaLabel: "Component" }, [
    el("option", { value: "core", textContent: "core" }),
    ...plugins.map((p) => el("option", { value: p, textContent: p })),
  ]);
  const from = el("input", {
    name: "from",
    placeholder: "any",
    size: 6,
    ariaLabel: "from version (x.y, empty: any)",
  });
  const requires = el("output", { name: "requires", textContent: "PostgreSQL" });
  const min = el("input", { name: "min", size: 6, required: true, ariaLabel: "minimum (x.y)" });
  form.append(
    subject,
    " ",
    from,
    " or newer requires ",
    requires,
    " ",
    min,
    " or newer ",
    el("button", { type: "submit", textContent: "Count" }),
  );
  const result = el("p", { className: "plan-result", role: "status" });
  const chart = el("div", { className: "chart" });
  const blocked = el("div", { className: "plan-blocked" });
  const note = el("p", {
    className: "note",
    textContent:
      "Counts of established installations (checked in on at least 7 of the last 14 days) from the joint series. Cells of fewer than 5 installations are not published on their own: each row's remainder is published instead, so where a remainder may hold affected installations the count is a range, exact at both ends. Installations that do not report PostgreSQL (core older than 3.22) are counted apart.",
  });
  const together = el("div", { className: "together" });
  fold.append(
    el("summary", { textContent: "Plan a support change" }),
    form,
    result,
    blocked,
    chart,
    note,
    el("h3", { textContent: "Installed together" }),
    together,
  );

  const requirement = () => (subject.value === "core" ? "PostgreSQL" : "core");
  subject.addEventListener("change", () => {
    requires.textContent = requirement();
  });

  const show = (plan: Plan) => {
    subject.value = plan.subject;
    from.value = plan.from ?? "";
    min.value = plan.min;
    requires.textContent = requirement();
  };

  let latestCount = 0;
  async function count(plan: Plan) {
    const mine = ++latestCount;
    fold.setAttribute("aria-busy", "true");
    result.textContent = "Loading the joint series…";
    try {
      const years = planYears(asOf, range(), page.years);
      const series = await jointGroup(planGroup(plan), years);
      if (mine !== latestCount) return;
      const days = planRangeDays(plan, series, asOf, range());
      const latest = countPlan(plan, series, asOf);
      result.dataset.lower = String(latest.lower);
      result.dataset.upper = String(latest.upper);
      result.dataset.of = String(latest.of.installations);
      result.textContent = `${planText(plan)}: ${planSummary(latest)}${latest.unknown > 0 ? `; ${latest.unknown} more did not report PostgreSQL` : ""}.`;
      const table = await blockedTable(plan, series, asOf);
      if (mine !== latestCount) return;
      blocked.replaceChildren(...table);
      const trend = planTrend(plan, series, days);
      if (trend.length > 1) {
        const model = planChart(trend);
        draw(chart, "planner", model, timeLine(model), {
          kind: "series",
          title: `${planText(plan)}: installations affected over the range`,
          day: "",
          labelHead: "Date",
        });
      } else chart.replaceChildren();
    } catch {
      if (mine === latestCount)
        result.textContent = "The joint series could not be loaded right now.";
    } finally {
      if (mine === latestCount) fold.removeAttribute("aria-busy");
    }
  }

  async function showTogether() {
    const years = [new Date(asOf).getUTCFullYear()];
    const [pairs, installed] = await Promise.all([
      jointGroup("together", years),
      jointGroup("installed", years),
    ]);
    const rows = togetherOn(new Map([...pairs, ...installed]), asOf).slice(0, 20);
    together.replaceChildren(
      rows.length === 0
        ? el("p", { className: "nodata", textContent: "No pair of at least 5 installations." })
        : el("table", {}, [
            el("thead", {}, [
              el("tr", {}, [
                el("th", { textContent: "Components" }),
                el("th", { textContent: "Installations" }),
                el("th", { textContent: "Of the less used one" }),
              ]),
            ]),
            el(
              "tbody",
              {},
              rows.map((r) =>
                el("tr", {}, [
                  el("td", { textContent: `${r.a} + ${r.b}` }),
                  el("td", { textContent: counted(r.installations) }),
                  el("td", { textContent: r.share === null ? "—" : `${r.share} %` }),
                ]),
              ),
            ),
          ]),
    );
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const plan = parsePlan(
      `${subject.value}:${from.value.trim() || "any"}:${subject.value === "core" ? "postgresql" : "core"}:${min.value.trim()}`,
    );
    if (!plan) {
      result.textContent = "Give versions as x.y, for example 3.80.";
      return;
    }
    keepInUrl(plan);
    count(plan);
  });

  let opened = false;
  fold.addEventListener("toggle", () => {
    if (!fold.open || opened) return;
    opened = true;
    const plan = planInUrl() ?? (parsePlan(DEFAULT_PLAN) as Plan);
    show(plan);
    count(plan);
    showTogether().catch(() => {
      together.textContent = "The joint series could not be loaded right now.";
    });
  });
  if (planInUrl()) fold.open = true;
  return el("section", { className: "card", id: "planner" }, [fold]);
}
