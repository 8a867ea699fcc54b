/**
 * "Upgrades" (src/html.ts's `#upgrades`): nothing is fetched until the section comes within a
 * window of the reader, or a print is coming; then the upgrade paths of the chosen range come
 * from `/api/v1/joint/upgrades__core/<YYYY>`, the latest year of time on a release and of the
 * installations left behind from `/api/v1/movement/<group>/<YYYY>` (one KV read each behind the
 * edge cache, each year once), and since when movement is counted from the data dictionary.
 * Every place in the section keeps its height before the data arrives (style.css), and the
 * tables are folded, so nothing below it moves. What it shows is computed by model/upgrades.ts.
 */
import type { PageData } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import {
  count,
  isoDay,
  LEFT_BEHIND_AGES,
  LEFT_BEHIND_BANDS,
  latestDay,
  leftBehindOn,
  movementSince,
  onReleaseChart,
  pathName,
  pathsChart,
  planYears,
  type RangeId,
  rangeFirstDay,
  releaseStays,
  stayText,
  UPGRADES_GROUPS,
  type UpgradePath,
  upgradePaths,
} from "../model";
import { draw, latestBars } from "./charts";
import { byId, el, scrollBox, withDates } from "./dom";
import { groupSeries } from "./groups";
import { dataLinks, seriesUrl } from "./links";

type Series = Map<string, Point[]>;

/**
 * frappe-charts' svg is this much taller than the height it is given (measured: 227 px for 220
 * at every width): a chart placed here keeps the drawn height from the start, so drawing it
 * moves nothing below (charts.ts keeps the given height only).
 */
const DRAWN_EXTRA_PX = 7;
const DRAWN_HEIGHT_PX = 220 + DRAWN_EXTRA_PX;

/** `draw`, then the placed canvas held at its drawn height until it is drawn. */
function drawHere(...args: Parameters<typeof draw>): void {
  draw(...args);
  const canvas = args[0].querySelector<HTMLElement>(".frappe");
  if (canvas?.style.minHeight) canvas.style.minHeight = `${DRAWN_HEIGHT_PX}px`;
}

const head = (titles: readonly string[]) =>
  el("thead", {}, [
    el(
      "tr",
      {},
      titles.map((t) => el("th", { scope: "col", textContent: t })),
    ),
  ]);

/** A table folded under `summary`, built when opened and again when `rows` change while open. */
function fold(className: string): {
  node: HTMLDetailsElement;
  fill(summary: string, build: () => HTMLElement[]): void;
} {
  const title = el("summary");
  const body = el("div");
  const node = el("details", { className }, [title, body]);
  let build: () => HTMLElement[] = () => [];
  node.addEventListener("toggle", () => {
    if (node.open) body.replaceChildren(...build());
    else body.replaceChildren();
  });
  return {
    node,
    fill(summary, next) {
      title.textContent = summary;
      build = next;
      if (node.open) body.replaceChildren(...build());
    },
  };
}

/** Every path of the range: its upgrades and its series. */
function pathsTable(paths: readonly UpgradePath[], range: string): HTMLElement[] {
  if (paths.length === 0) return [el("p", { className: "nodata", textContent: "None." })];
  return [
    scrollBox(
      `Every core upgrade path, ${range}`,
      el("table", {}, [
        head(["Path", "Upgrades", "History"]),
        el(
          "tbody",
          {},
          paths.map((p) =>
            el("tr", {}, [
              el("th", { scope: "row", textContent: pathName(p) }),
              el("td", { textContent: count(p.upgrades) }),
              el("td", {}, [
                el("a", { href: seriesUrl(p.key, false), textContent: "JSON" }),
                " ",
                el("a", { href: seriesUrl(p.key, true), textContent: "CSV" }),
              ]),
            ]),
          ),
        ),
      ]),
    ),
  ];
}

/** Per core x.y: the median stay and the installations left behind on it. */
function staysTable(series: Series, day: number): HTMLElement[] {
  const rows = releaseStays(series, day);
  if (rows.length === 0) return [el("p", { className: "nodata", textContent: "None yet." })];
  const cell = (n: number | null) => el("td", { textContent: n === null ? "—" : count(n) });
  return [
    scrollBox(
      "Core releases: time on them and installations left behind",
      el("table", {}, [
        el(
          "caption",
          {},
          withDates(
            `Core installations on each x.y, ${isoDay(day)}: the median time on it so far, and how many have been on it 6–12 months, 12–24 months and over 24 months`,
          ),
        ),
        head(["x.y", "Median time on it", ...LEFT_BEHIND_BANDS.map(([, label]) => label)]),
        el(
          "tbody",
          {},
          rows.map((r) =>
            el("tr", {}, [
              el("th", { scope: "row", textContent: r.xy }),
              el("td", { textContent: r.medianDays === null ? "—" : stayText(r.medianDays) }),
              ...r.leftBehind.map(cell),
            ]),
          ),
        ),
      ]),
    ),
    el("p", {
      className: "note",
      textContent:
        "“—”: fewer than 5 installations, not published on their own (a row's remainder holds them).",
    }),
  ];
}

/** The section's controller: `show` the chosen range; `settled` once its first load ended. */
export interface UpgradesSection {
  show(range: RangeId): void;
  /** Loads the section now, if not yet; resolves once it has loaded or failed. */
  load(): Promise<void>;
  settled(): boolean;
}

export function upgradesSection(
  page: PageData,
  initial: RangeId,
  whenSettled: () => void,
): UpgradesSection {
  const asOf = page.asOf as number;
  const section = byId("upgrades");
  const find = (selector: string) => section.querySelector(selector) as HTMLElement;
  const since = find(".since");
  const pathsTarget = find("#upgrades-paths");
  const onReleaseTarget = find("#upgrades-on-release");
  const stats = [...section.querySelectorAll<HTMLElement>(".left-behind .stat")];
  /** The days a range sums, in words: "2026-09-07 to 2026-12-05", or "up to 2026-12-05". */
  const rangeText = (chosen: RangeId) =>
    chosen === "all"
      ? `up to ${isoDay(asOf)}`
      : `${isoDay(rangeFirstDay(asOf, chosen))} to ${isoDay(asOf)}`;
  const allPaths = fold("paths-all");
  const byRelease = fold("by-release");
  allPaths.fill(`Every core upgrade path, ${rangeText(initial)}`, () => []);
  byRelease.fill("By core release: median time on it, and installations left behind", () => []);
  find(".paths-fold").replaceChildren(allPaths.node);
  find(".by-release-fold").replaceChildren(byRelease.node);

  let range = initial;
  let started = false;
  let done = false;
  let latestShow = 0;

  async function showPaths(chosen: RangeId): Promise<void> {
    const mine = ++latestShow;
    const years = planYears(asOf, chosen, page.years);
    const { group } = UPGRADES_GROUPS.paths;
    const series = await groupSeries("joint", group, years);
    if (mine !== latestShow) return;
    const first = rangeFirstDay(asOf, chosen);
    const text = rangeText(chosen);
    const paths = upgradePaths(series, first, asOf);
    const chart = pathsChart(paths);
    drawHere(pathsTarget, "upgrades:paths", chart, latestBars, {
      kind: "totals",
      title: "Most common core upgrade paths",
      day: text,
      labelHead: "Path",
    });
    allPaths.fill(`Every core upgrade path, ${text}`, () => pathsTable(paths, text));
  }

  async function showLatest(): Promise<string[]> {
    const year = [new Date(asOf).getUTCFullYear()];
    const groups = [
      UPGRADES_GROUPS.onRelease,
      UPGRADES_GROUPS.medians,
      UPGRADES_GROUPS.leftBehind,
      UPGRADES_GROUPS.leftBehindOn,
    ];
    const found = await Promise.all(groups.map((g) => groupSeries(g.route, g.group, year)));
    const series: Series = new Map(found.flatMap((s) => [...s]));
    const day = latestDay(series, `${UPGRADES_GROUPS.onRelease.group}__`, asOf);
    const chart = onReleaseChart(series, day ?? asOf);
    drawHere(onReleaseTarget, "upgrades:on-release", chart, latestBars, {
      kind: "buckets",
      title: "Core installations by time on their x.y",
      day: isoDay(day ?? asOf),
      labelHead: "Time on the x.y",
    });
    const left = day === null ? null : leftBehindOn(series, day);
    stats.forEach((stat, i) => {
      const value = stat.querySelector(".value") as HTMLElement;
      const detail = stat.querySelector(".detail") as HTMLElement;
      const n = left?.counts[i];
      if (!left || n === undefined) {
        value.textContent = "—";
        detail.textContent = "not counted yet";
        return;
      }
      value.textContent = count(n);
      const share = left.of > 0 ? ` (${Math.round((n / left.of) * 1000) / 10}\u00a0%)` : "";
      detail.replaceChildren(
        ...withDates(
          `of ${count(left.of)} with a known time on core's x.y${share}, ${isoDay(left.day)}`,
        ),
      );
    });
    const stayDay = latestDay(series, `${UPGRADES_GROUPS.medians.group}__`, asOf);
    byRelease.fill("By core release: median time on it, and installations left behind", () =>
      stayDay === null
        ? [el("p", { className: "nodata", textContent: "None yet." })]
        : staysTable(series, stayDay),
    );
    return [...chart.keys, ...LEFT_BEHIND_AGES.map(([age]) => `left_behind__${age}`)];
  }

  async function showSince(): Promise<void> {
    const imported = "the Django service never kept it, so the history imported from it has none";
    try {
      const response = await fetch("/api/v1/dictionary");
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { families } = (await response.json()) as {
        families: Array<{ id: string; firstDay: string | null }>;
      };
      const first = movementSince(families);
      since.replaceChildren(
        ...withDates(
          first === null
            ? `Not counted yet: movement is counted from the first night this service records it; ${imported}.`
            : `Counted since ${first}, the first day this service recorded movement: ${imported}.`,
        ),
      );
    } catch {
      since.textContent = `Counted from the first day this service recorded movement: ${imported}.`;
    }
  }

  let loading: Promise<void> | null = null;
  function load(): Promise<void> {
    loading ??= loadOnce();
    return loading;
  }

  async function loadOnce(): Promise<void> {
    started = true;
    observer?.disconnect();
    section.setAttribute("aria-busy", "true");
    try {
      const [keys] = await Promise.all([showLatest(), showPaths(range), showSince()]);
      find(".data-links").replaceChildren(dataLinks(keys));
    } catch {
      find(".status").textContent = "The movement series could not be loaded right now.";
    } finally {
      section.removeAttribute("aria-busy");
      done = true;
      whenSettled();
    }
  }

  // Fetched a window before the reader gets there: the first view costs nothing for it.
  const observer =
    typeof IntersectionObserver === "undefined"
      ? null
      : new IntersectionObserver(
          (entries) => {
            if (entries.some((e) => e.isIntersecting)) load();
          },
          { rootMargin: "100% 0px" },
        );
  if (observer) observer.observe(section);
  else load();

  return {
    show(chosen) {
      range = chosen;
      if (!started) return;
      showPaths(chosen).catch(() => {
        find(".status").textContent = "The upgrade paths could not be loaded right now.";
      });
    },
    load,
    settled: () => done,
  };
}
