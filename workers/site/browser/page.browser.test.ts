/**
 * The page in headless Chromium against the local stack: empty state, then summarized data
 * built through the front door, then years of synthetic history seeded into SUMMARY
 * (the release calendar written by the store, fixtures/src/summary.ts). Every chart must draw data points, with no console error, no
 * request leaving the origin, axis labels inside their chart, weekly history fetched only for
 * "1 year" and "All" (once a year), and nothing from the data interpreted as markup. Saves
 * screenshots (desktop and phone width) to browser/screenshots/.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { AxeBuilder } from "@axe-core/playwright";
import { calendarSummary, seedEntries } from "@pulp-analytics/fixtures/summary";
import { DAY_MS, isoDay } from "@pulp-analytics/shared/config";
import type { PageData, SeriesBlock } from "@pulp-analytics/shared/store";
import type { Point } from "@pulp-analytics/shared/summary";
import { daysOfSeries, memorySummary, pageViewsOf } from "@pulp-analytics/shared/testing";
import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../scripts/lib/chromium";
import { buildHistory, type Stack, startStack } from "../../../scripts/lib/stack";
import {
  compareVersions,
  countPlan,
  headline,
  jointSeries,
  movementSince,
  type Plan,
  parsePlan,
  pathName,
  planYears,
  rangeFirstDay,
  supportedPostgresqlLabel,
  type UpgradePath,
  upgradePaths,
} from "../page/model";

const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const NARROW = { width: 320, height: 640 };

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  stack = await startStack();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

interface Watched {
  page: Page;
  problems: string[];
  /** The paths of every weekly history request, in order. */
  weekly: string[];
}

/** Each open page's requests without an answer yet: what a wait that timed out waited on. */
const pendingOf = new WeakMap<Page, Set<Request>>();

/** A page whose console errors, uncaught errors and off-origin requests are all recorded. */
async function open(
  viewport: { width: number; height: number },
  mobile = false,
  origin = stack.origin,
): Promise<Watched> {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: mobile ? 2 : 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  const weekly: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  const pending = new Set<Request>();
  pendingOf.set(page, pending);
  page.on("request", (r) => {
    pending.add(r);
    const url = new URL(r.url());
    if (url.origin !== origin) problems.push(`request off the origin: ${r.url()}`);
    if (url.pathname.startsWith("/api/v1/page/weekly/")) weekly.push(url.pathname);
  });
  page.on("requestfinished", (r) => pending.delete(r));
  page.on("requestfailed", (r) => {
    pending.delete(r);
    problems.push(`request failed: ${r.url()}`);
  });
  return { page, problems, weekly };
}

// Line paths, dots, bars and percentage slices: what frappe-charts draws for data points.
const MARKS =
  "path.line-graph-path, .dataset-units rect, .dataset-units circle, rect.percentage-bar";

/** Per drawn chart (by its data-name): how many data marks (lines, dots, bars, slices) it has. */
async function marks(page: Page): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const chart of await page.locator(".frappe").all()) {
    out[(await chart.getAttribute("data-name")) ?? "?"] = await chart.locator(MARKS).count();
  }
  return out;
}

/** The charts without any data mark (yet). */
async function undrawn(page: Page): Promise<string[]> {
  return Object.entries(await marks(page)).flatMap(([name, count]) => (count > 0 ? [] : [name]));
}

/**
 * Scrolls through the page a window at a time, as a reader would, and back to the top (the page
 * draws each chart as it comes near the window) until every chart has its data marks; then the
 * page says so too. (Strings for the page: this file is type-checked without the DOM library.)
 */
async function seeEveryChart(page: Page): Promise<void> {
  // Placed last: every chart of the first view is placed by then.
  await page.locator("#planner").waitFor({ state: "attached", timeout: 120_000 });
  await expect
    .poll(
      async () => {
        const height = Number(await page.evaluate("document.documentElement.scrollHeight"));
        const step = Number(await page.evaluate("innerHeight"));
        for (let y = 0; y < height; y += step) {
          await page.evaluate(`scrollTo(0, ${y})`);
          await page.waitForTimeout(50);
        }
        await page.evaluate("scrollTo(0, 0)");
        // "Upgrades" places its charts when its data arrives, which may be after this pass.
        const settled = (await page.getAttribute("#charts", "data-drawn")) === "all";
        return [...(await undrawn(page)), ...(settled ? [] : ["#charts not all drawn"])];
      },
      { timeout: 60_000 },
    )
    .toEqual([]);
  await expect.poll(() => page.getAttribute("#charts", "data-drawn")).toBe("all");
}

/** The PostgreSQL share bar's slice colors left to right, and its legend's, as `rgb(r, g, b)`. */
async function pgColors(page: Page): Promise<{ slices: string[]; legend: string[] }> {
  const latest = "#postgresql .chart-latest";
  const fills = await page.$$eval(`${latest} rect.percentage-bar`, (rects) =>
    rects
      .map((rect) => ({ x: Number(rect.getAttribute("x")), fill: rect.getAttribute("fill") ?? "" }))
      .sort((a, b) => a.x - b.x)
      .map(({ fill }) => fill),
  );
  // The swatches' colors are set through CSSOM, which writes them back as rgb().
  const legend = await page.$$eval(`${latest} .legend .swatch`, (swatches) =>
    swatches.map((swatch) => /rgb\([^)]*\)/.exec(swatch.getAttribute("style") ?? "")?.[0] ?? ""),
  );
  const rgb = (hex: string) =>
    `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
  return { slices: fills.map(rgb), legend };
}

/** Per axis chart: its shown x-axis labels that overlap the next one or are cut short. */
async function crowdedLabels(page: Page): Promise<string[]> {
  return page.$$eval('.frappe:not([data-name="postgresql:latest"])', (charts) =>
    charts.flatMap((chart) => {
      const labels = [...chart.querySelectorAll(".x.axis text")].filter(
        (text) => (text.textContent ?? "") !== "",
      );
      const boxes = labels.map((text) => text.getBoundingClientRect());
      return labels.flatMap((text, i) => {
        const next = boxes[i + 1];
        const label = `${chart.getAttribute("data-name")}: ${text.textContent}`;
        if (text.textContent?.includes("..")) return [`${label} (cut)`];
        return next && (boxes[i]?.right ?? 0) > next.left ? [`${label} (overlaps)`] : [];
      });
    }),
  );
}

/** Axis labels (x and y) whose box is not inside their chart's svg box, by chart. */
async function labelsOutside(page: Page): Promise<string[]> {
  return page.$$eval(".frappe", (charts) =>
    charts.flatMap((chart) => {
      const svg = chart.querySelector("svg");
      if (!svg) return [`${chart.getAttribute("data-name")}: no svg`];
      const box = svg.getBoundingClientRect();
      return [...svg.querySelectorAll(".x.axis text, .y.axis text")].flatMap((text) => {
        if (!text.textContent) return [];
        const r = text.getBoundingClientRect();
        const inside = r.left >= box.left - 0.5 && r.right <= box.right + 0.5;
        return inside ? [] : [`${chart.getAttribute("data-name")}: ${text.textContent}`];
      });
    }),
  );
}

/** The x-axis labels shown per time-series chart: the latest day must always be one. */
async function lastLabels(page: Page): Promise<Record<string, string>> {
  return page.$$eval('.frappe:not([data-name="postgresql:latest"])', (charts) =>
    Object.fromEntries(
      charts
        .filter((c) => !/^(age|rbac:|upgrades:)/.test(c.getAttribute("data-name") ?? ""))
        .map((c) => [
          c.getAttribute("data-name") ?? "?",
          [...c.querySelectorAll(".x.axis text")].at(-1)?.textContent ?? "",
        ]),
    ),
  );
}

/** The headline strip: each stat's label, value and detail. */
async function headlineStats(
  page: Page,
): Promise<Array<{ label: string; value: string; detail: string }>> {
  return page.$$eval("#headline .stat", (stats) =>
    stats.map((stat) => ({
      label: stat.querySelector("dt")?.textContent ?? "",
      value: stat.querySelector(".value")?.textContent ?? "",
      detail: stat.querySelector(".detail")?.textContent ?? "",
    })),
  );
}

/** The headline checked against the model over the page data the stack serves. */
async function checkHeadline(page: Page, origin: string): Promise<void> {
  const data = (await (await fetch(`${origin}/api/v1/page`)).json()) as PageData;
  const head = headline(data);
  const stats = await headlineStats(page);
  expect(stats.map((s) => s.label)).toEqual([
    "Installations reporting",
    "Change over 30 days",
    "Most used core version",
    "On a supported PostgreSQL",
  ]);
  const [installations, change, core, postgresql] = stats.map((s) => s.value);
  expect(Number(installations?.replaceAll(",", ""))).toBe(head?.installations);
  expect(head?.installations).toBeGreaterThan(0);
  expect(change).toMatch(/^([+−][\d,]+|0|—)$/);
  expect(core).toBe(head?.core?.xy);
  expect(core).toMatch(/^3\.\d+$/);
  const pg = Number.parseFloat(postgresql ?? "");
  expect(pg).toBeGreaterThanOrEqual(0);
  expect(pg).toBeLessThanOrEqual(100);
  expect(stats[3]?.detail).toContain(supportedPostgresqlLabel());
  const known = head?.postgresql?.known ?? 0;
  expect(stats[3]?.detail).toContain(`of ${known.toLocaleString("en")} with a known version`);
  // Who the share leaves out is said beside the PostgreSQL charts, with the same counts.
  const reporting = await page.textContent("#postgresql .reporting");
  expect(reporting).toContain(`${known.toLocaleString("en")} installations reported a PostgreSQL`);
  expect(reporting).toContain(
    `${head?.postgresql?.reporting.installations.toLocaleString("en")} ${head?.postgresql?.reporting.of} can report it`,
  );
}

/**
 * Opens a component's "Adoption" fold and checks its tables: the newest x.y first, each share
 * of installations on it or newer between 0 and 100 and growing down the table (older x.y), and
 * days to 25 % / 50 % as a count of days or "—".
 */
async function checkAdoption(page: Page, article: number): Promise<string> {
  const fold = page.locator("#components article").nth(article).locator(".adoption");
  expect(await fold.locator("table").count()).toBe(0);
  await fold.locator("summary").click();
  await fold.locator("table.time-to").waitFor();
  const versions = await fold.locator("table.at-least tbody th").allTextContents();
  expect(versions.length).toBeGreaterThan(0);
  expect([...versions].sort(compareVersions).reverse()).toEqual(versions);
  const shares = (await fold.locator("table.at-least td.share").allTextContents()).map((t) =>
    Number.parseFloat(t),
  );
  expect(shares).toHaveLength(versions.length);
  shares.forEach((share, i) => {
    expect(share).toBeGreaterThan(0);
    expect(share).toBeLessThanOrEqual(100);
    if (i > 0) expect(share).toBeGreaterThanOrEqual(shares[i - 1] as number);
  });
  // Every x.y on the latest day has its "or newer" row; the time to spread, the 8 newest.
  expect(await fold.locator("table.time-to tbody th").allTextContents()).toEqual(
    versions.slice(0, 8),
  );
  for (const cell of await fold.locator("table.time-to tbody td").allTextContents()) {
    expect(cell).toMatch(/^(\d{4}-\d{2}-\d{2}|earlier|—|[\d,]+ days?)$/);
  }
  expect(await fold.getAttribute("aria-busy")).toBeNull();
  return (await fold.locator("table.time-to caption").textContent()) ?? "";
}

/** Chooses a range and waits until every chart is drawn again. */
async function chooseRange(page: Page, range: string): Promise<void> {
  await page.click(`[data-range="${range}"]`);
  expect(await page.getAttribute(`[data-range="${range}"]`, "aria-pressed")).toBe("true");
  await expect.poll(() => page.getAttribute("#charts", "aria-busy")).toBeNull();
  await seeEveryChart(page);
}

/** WCAG 2.1 AA violations axe-core finds in the page as it is, each with where it was. */
async function axeViolations(page: Page, where: string): Promise<string[]> {
  const start = Date.now();
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    .analyze();
  const elements = await page.locator("*").count();
  console.log(
    `axe-core, ${where}: ${elements} elements, ${Date.now() - start} ms, ${result.violations.length} violations`,
  );
  return result.violations.map(
    (v) =>
      `${where}: ${v.id} ×${v.nodes.length} (${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(" "))
        .join("; ")})`,
  );
}

/**
 * The elements still loading (`aria-busy`), by id or class, then the requests still pending:
 * an empty list once everything opened has its data, and what it waits on if it never does.
 */
async function busy(page: Page): Promise<string[]> {
  const loading = await page.$$eval("[aria-busy]", (elements) =>
    elements.map((e) => (e.id ? `#${e.id}` : `.${e.className}`)),
  );
  if (loading.length === 0) return [];
  return [...loading, ...[...(pendingOf.get(page) ?? [])].map((r) => `pending ${r.url()}`)];
}

/**
 * Opens every fold (`details`, or those `folds` selects), those that only appear when another
 * is opened too; waits for their data.
 */
async function openFolds(page: Page, folds = "details"): Promise<void> {
  for (let round = 0; round < 4; round++) {
    const opened = await page.$$eval(`${folds}:not([open])`, (folds) => {
      for (const fold of folds) (fold as { open: boolean }).open = true;
      return folds.length;
    });
    if (opened === 0) break;
    await expect.poll(() => busy(page)).toEqual([]);
  }
}

/** Counts the layout shifts without recent input from the page's start (run before goto). */
const CLS_OBSERVER = `{
  window.__cls = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
}`;
const cls = (page: Page): Promise<number> => page.evaluate("window.__cls") as Promise<number>;

/** Whether the page is wider than its window (a horizontal scroll bar). */
const overflowsX = (page: Page): Promise<boolean> =>
  page.evaluate(
    "document.documentElement.scrollWidth > document.documentElement.clientWidth",
  ) as Promise<boolean>;

describe("the page", () => {
  it("shows a friendly empty state before the first summary", async () => {
    const { page, problems } = await open(DESKTOP);
    await page.goto(stack.origin);
    await expect.poll(() => page.textContent("#as-of")).toBe("No summary yet.");
    expect(await page.isVisible("#empty")).toBe(true);
    expect(await page.isVisible("#charts")).toBe(false);
    await page.screenshot({ path: join(SCREENSHOTS, "empty-desktop.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("draws every chart from summarized data, on a laptop and on a phone", async () => {
    const latest = await buildHistory(stack.origin, 45, 40);
    for (const [name, viewport, mobile] of [
      ["desktop", DESKTOP, false],
      ["phone", PHONE, true],
    ] as const) {
      const watched = await open(viewport, mobile);
      const { page, problems } = watched;
      await page.goto(stack.origin);
      await expect.poll(() => page.textContent("#as-of")).toContain(`Data as of ${latest}`);
      // Summarized up to yesterday: fresh, no notice; the headline above the charts.
      expect(await page.isVisible("#stale")).toBe(false);
      await checkHeadline(page, stack.origin);
      await page.click("#components .exact summary");
      // frappe-charts draws zeros first and its data 700 ms later.
      await seeEveryChart(page);
      await page.screenshot({ path: join(SCREENSHOTS, `page-${name}.png`), fullPage: true });
      await page.screenshot({ path: join(SCREENSHOTS, `page-${name}-top.png`) });
      await page
        .locator("#postgresql")
        .screenshot({ path: join(SCREENSHOTS, `postgresql-${name}.png`) });
      const drawn = await marks(page);
      expect(Object.keys(drawn)).toEqual(
        expect.arrayContaining([
          "installations",
          "versions:core",
          "versions:file",
          "deployment",
          "postgresql:latest",
          "postgresql",
          "age",
          "rbac:users",
          "rbac:groups",
        ]),
      );
      expect(await page.locator(".nodata").count()).toBe(0);
      // Slices and legend in the same order, each in a color of its own.
      const pg = await pgColors(page);
      expect(pg.slices.length).toBeGreaterThan(1);
      expect(pg.legend).toEqual(pg.slices);
      expect(new Set(pg.slices).size).toBe(pg.slices.length);
      expect(await crowdedLabels(page)).toEqual([]);
      expect(await labelsOutside(page)).toEqual([]);
      expect(Object.values(await lastLabels(page))).toEqual(expect.arrayContaining([latest]));
      // The exact versions: one folded table per x.y, inside one fold.
      expect(
        await page.locator("#components article").first().locator(".exact .xy").count(),
      ).toBeGreaterThan(0);
      expect(await page.isVisible("#components .exact .xy table")).toBe(false);
      await page.click("#components .exact .xy summary");
      expect(await page.isVisible("#components .exact .xy table")).toBe(true);
      const articles = await page.locator("#components article").count();
      const figures = await page.locator("#rbac figure").count();
      // The allowlist keeps in-house plugins off the public page.
      expect(await page.textContent("#components")).not.toContain("acme_internal");
      // The default view needs the page data only. Opening "Adoption" fetches every weekly
      // year, once, for every component; the long ranges then fetch nothing more. Every range
      // redraws without errors; the tooltip (frappe's one inline style) passes the CSP.
      expect(watched.weekly).toEqual([]);
      expect(await checkAdoption(page, 0)).toContain("over the whole history");
      const everyYear = [...watched.weekly];
      expect(everyYear.length).toBeGreaterThan(0);
      expect(new Set(everyYear).size).toBe(everyYear.length);
      await checkAdoption(page, 1);
      expect(watched.weekly).toEqual(everyYear);
      await chooseRange(page, "30d");
      expect(await page.textContent("#range-note")).toBe("");
      // Past 30 days the share charts thin their bars, and say so.
      await chooseRange(page, "90d");
      expect(watched.weekly).toEqual(everyYear);
      expect(await page.textContent("#range-note")).toMatch(
        /^Daily points; share charts: one bar every \d+ days/,
      );
      await chooseRange(page, "1y");
      expect(watched.weekly).toEqual(everyYear);
      expect(await page.textContent("#range-note")).toContain("One point a week");
      for (const range of ["all", "30d", "1y", "all", "90d"]) await chooseRange(page, range);
      expect(watched.weekly.length).toBe(new Set(watched.weekly).size);
      expect(await labelsOutside(page)).toEqual([]);
      // A new range redraws the time series in place and adds no chart.
      expect(await page.locator("#components article").count()).toBe(articles);
      expect(await page.locator("#rbac figure").count()).toBe(figures);
      await page.hover("#installations .frappe svg", {
        position: { x: viewport.width / 3, y: 100 },
      });
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  it("plans a support change: the count is the model's over the joint series; the URL round-trips", async () => {
    const { page, problems } = await open(DESKTOP);
    const joint: string[] = [];
    page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      // The planner's groups ("Upgrades" reads the upgrade paths when it comes near).
      if (path.startsWith("/api/v1/joint/") && !path.includes("/upgrades__")) joint.push(path);
    });
    await page.goto(stack.origin);
    await seeEveryChart(page);
    // Folded: the default view fetched no joint series.
    expect(joint).toEqual([]);
    await page.click("#planner summary");
    await page.locator(".plan-result[data-of]").waitFor();
    await page.selectOption("#planner select[name=subject]", "core");
    await page.fill("#planner input[name=from]", "");
    await page.fill("#planner input[name=min]", "15");
    await page.click("#planner button[type=submit]");
    const rule = "core:any:postgresql:15";
    await expect.poll(() => new URL(page.url()).searchParams.get("plan")).toBe(rule);
    await expect
      .poll(() => page.textContent(".plan-result"))
      .toContain("every core requires PostgreSQL 15 or newer");
    const read = (p: Page) =>
      p.$eval(".plan-result", (el) => {
        const data = (el as unknown as { dataset: Record<string, string> }).dataset;
        return { lower: Number(data.lower), upper: Number(data.upper), of: Number(data.of) };
      });
    const shown = await read(page);

    // The model over the data the stack serves.
    const data = (await (await fetch(`${stack.origin}/api/v1/page`)).json()) as PageData;
    const asOf = data.asOf as number;
    const blocks = [];
    for (const year of planYears(asOf, "90d", data.years)) {
      const res = await fetch(`${stack.origin}/api/v1/joint/core_postgresql/${year}`);
      if (res.ok) blocks.push((await res.json()) as SeriesBlock);
    }
    const plan = parsePlan(rule) as Plan;
    const count = countPlan(plan, jointSeries(blocks), asOf);
    expect(shown).toEqual({ lower: count.lower, upper: count.upper, of: count.of.installations });
    expect(count.of.installations).toBeGreaterThan(0);
    expect(count.upper).toBeGreaterThanOrEqual(count.lower);
    await page.locator("#planner").screenshot({ path: join(SCREENSHOTS, "planner-desktop.png") });

    // Pasted into a discussion: the link reopens the planner with the same rule and count.
    const again = await open(DESKTOP);
    await again.page.goto(page.url());
    await expect
      .poll(() => again.page.textContent(".plan-result"))
      .toContain("every core requires PostgreSQL 15 or newer");
    expect(await read(again.page)).toEqual(shown);
    expect(await again.page.inputValue("#planner input[name=min]")).toBe("15");
    expect(await again.page.getAttribute("#planner details", "open")).not.toBeNull();
    expect([...problems, ...again.problems]).toEqual([]);
    await again.page.context().close();
    await page.context().close();
  });

  it("keeps x-axis labels inside their chart and labels the latest day, even in a larger font", async () => {
    // 61 days: frappe-charts, labelling every n-th point from the first, would label the last
    // one here (60 is a multiple of most n) and center it on the chart's right edge.
    const { page: data } = pageViewsOf(
      await calendarSummary({ years: 61 / 365, installations: 500 }),
    );
    const latest = isoDay(data.asOf ?? 0);
    for (const [viewport, mobile] of [
      [DESKTOP, false],
      [PHONE, true],
    ] as const) {
      const { page, problems } = await open(viewport, mobile);
      await page.route(`${stack.origin}/api/v1/page`, (route) => route.fulfill({ json: data }));
      await page.goto(stack.origin);
      await expect.poll(() => page.textContent("#as-of")).toContain(`Data as of ${latest}`);
      await seeEveryChart(page);
      // A reader's larger minimum font size, say: 13 px date labels are 75 px wide, more than
      // twice frappe-charts' 30 px right margin. Added through the CSSOM, which the CSP allows.
      // (A string: this file is type-checked without the DOM library.)
      await page.evaluate(`{
        const sheet = document.styleSheets[0];
        const timeCharts =
          '.frappe:not([data-name="age"]):not([data-name^="rbac:"]):not([data-name^="upgrades:"])';
        sheet.insertRule(timeCharts + " .x.axis text { font-size: 13px }", sheet.cssRules.length);
      }`);
      for (const range of ["30d", "90d"]) {
        await chooseRange(page, range);
        expect(await labelsOutside(page)).toEqual([]);
        expect(await crowdedLabels(page)).toEqual([]);
        const last = await lastLabels(page);
        expect(last.installations).toBe(latest);
        expect(last["versions:core"]).toBe(latest);
      }
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  it("shows hostile names from the data as text, never as markup", async () => {
    const { page, problems } = await open(DESKTOP);
    const day = Date.UTC(2026, 3, 1);
    const evil = `<img src=x onerror="window.pwned=1">`;
    // Written by hand: the store takes no such key (isSeriesKey), but the page must not trust
    // that what it is served is what the store wrote.
    const hostile: PageData = {
      v: 2,
      generatedAt: day,
      asOf: day,
      recent: {
        start: day,
        series: {
          systems__total: [0, 3],
          [`versions__${evil}__3.1`]: [0, 2],
          [`age__${evil}`]: [0, 1],
        },
      },
      latestXyz: { [`versions_xyz__${evil}__${evil}`]: 2 },
      years: [2026],
    };
    // Served in place of the real page data: the stack's own data never contains such names.
    await page.route(`${stack.origin}/api/v1/page`, (route) => route.fulfill({ json: hostile }));
    await page.goto(stack.origin);
    await page.waitForSelector(".component h3");
    await page.click("#components .exact summary");
    await page.click("#components .exact .xy summary");
    expect(await page.textContent(".component h3")).toBe(evil);
    expect(await page.textContent(".exact .xy-name")).toBe(evil);
    expect(await page.textContent(".exact td")).toBe(evil);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
  it("says so, visibly, when the latest summary is older than the health rule allows", async () => {
    const { page, problems } = await open(PHONE, true);
    // Three days summarized, the latest four days ago: stale whatever the hour (health.ts).
    const last = Math.floor(Date.now() / DAY_MS) * DAY_MS - 4 * DAY_MS;
    const days = [last - 2 * DAY_MS, last - DAY_MS, last];
    const { page: old } = pageViewsOf(
      await memorySummary(
        daysOfSeries([
          ["systems__total", days.map((d): [number, number] => [d, 5])],
          ["versions__core__3.50", days.map((d): [number, number] => [d, 4])],
        ]),
        last + DAY_MS,
      ),
    );
    await page.route(`${stack.origin}/api/v1/page`, (route) => route.fulfill({ json: old }));
    await page.goto(stack.origin);
    const notice = page.locator("#stale");
    await notice.waitFor({ state: "visible" });
    expect(await notice.textContent()).toBe(
      `The latest summary is from ${isoDay(last)}; the data may be out of date.`,
    );
    expect(await notice.getAttribute("role")).toBe("status");
    await page.screenshot({ path: join(SCREENSHOTS, "stale-phone-top.png") });
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("the page over years of history", () => {
  // Pulp's release calendar written into SUMMARY by the store, every key it wrote seeded.
  const YEARS = 5;
  let seeded: Stack;
  beforeAll(async () => {
    const summary = await calendarSummary({ years: YEARS, installations: 2_000, movement: true });
    seeded = await startStack({ summary: seedEntries(summary) });
  }, 120_000);
  afterAll(async () => {
    await seeded?.stop();
  });

  it("tells the long story: weekly and monthly ranges, version bands, labels inside", async () => {
    for (const [name, viewport, mobile] of [
      ["desktop", DESKTOP, false],
      ["phone", PHONE, true],
    ] as const) {
      const watched = await open(viewport, mobile, seeded.origin);
      const { page, problems } = watched;
      await page.goto(seeded.origin);
      await expect.poll(() => page.textContent("#as-of")).toContain("Data as of");
      await seeEveryChart(page);
      expect(watched.weekly).toEqual([]);
      expect(await page.isVisible("#stale")).toBe(false);
      await checkHeadline(page, seeded.origin);
      expect(await labelsOutside(page)).toEqual([]);
      expect(await crowdedLabels(page)).toEqual([]);
      // A year needs this year's and last year's weekly history; All every year's, each once.
      await chooseRange(page, "1y");
      expect(watched.weekly).toHaveLength(2);
      expect(await page.textContent("#range-note")).toContain("One point a week");
      expect(await labelsOutside(page)).toEqual([]);
      await chooseRange(page, "all");
      expect(watched.weekly).toHaveLength(YEARS + 1);
      expect(new Set(watched.weekly).size).toBe(YEARS + 1);
      expect(await page.textContent("#range-note")).toContain("One point a month");
      expect(await labelsOutside(page)).toEqual([]);
      expect(await crowdedLabels(page)).toEqual([]);
      // Core over five years: bands of consecutive releases, as many as colors, no "Other".
      const legend = await page
        .locator("#components article")
        .first()
        .locator(".legend li")
        .allTextContents();
      expect(legend).toHaveLength(8);
      expect(legend).not.toContain("Other");
      expect(legend.some((label) => label.includes("–"))).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, `years-${name}-all.png`) });
      await page
        .locator("#components article")
        .first()
        .screenshot({ path: join(SCREENSHOTS, `years-${name}-core-all.png`) });
      await chooseRange(page, "90d");
      expect(watched.weekly).toHaveLength(YEARS + 1);
      // Adoption over five years, from the weekly years "All" already fetched.
      expect(await checkAdoption(page, 0)).toContain("over the whole history");
      expect(await checkAdoption(page, 2)).toContain("over the whole history");
      expect(watched.weekly).toHaveLength(YEARS + 1);
      await page
        .locator("#components article")
        .first()
        .screenshot({ path: join(SCREENSHOTS, `years-${name}-core-adoption.png`) });
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  // For every reader: no layout jump, text alternatives, keyboard, failure states, axe-core.
  it("does not jump as the data arrives, on a laptop and on a phone", async () => {
    for (const [viewport, mobile] of [
      [DESKTOP, false],
      [PHONE, true],
    ] as const) {
      const { page, problems } = await open(viewport, mobile, seeded.origin);
      await page.addInitScript(CLS_OBSERVER);
      // The data late, as on a slow network: the placeholders hold the charts' places meanwhile.
      await page.route(`${seeded.origin}/api/v1/page`, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await route.continue();
      });
      await page.goto(seeded.origin);
      await seeEveryChart(page);
      const shift = await cls(page);
      console.log(`cumulative layout shift ${viewport.width} px: ${shift.toFixed(4)}`);
      expect(shift).toBeLessThan(0.1);
      // Folded, a chart's table and the exact versions are not built.
      expect(await page.locator(".numbers table").count()).toBe(0);
      expect(await page.locator(".exact table").count()).toBe(0);
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });

  it("draws a chart as it comes near the window, and every chart for a print", async () => {
    const { page, problems } = await open(DESKTOP, false, seeded.origin);
    await page.goto(seeded.origin);
    await page.locator("#planner").waitFor({ state: "attached", timeout: 120_000 });
    await expect.poll(async () => (await marks(page)).installations ?? 0).toBeGreaterThan(0);
    // The last chart, far below, is not drawn at load, yet already says what it shows.
    const last = page.locator(".frappe").last();
    const name = (await last.getAttribute("data-name")) ?? "";
    expect(await undrawn(page)).toContain(name);
    expect(await last.locator("svg").count()).toBe(0);
    expect(await page.getAttribute("#charts", "data-drawn")).toBeNull();
    const summary = await last.locator("xpath=..").locator(".summary").textContent();
    expect(summary).toMatch(/^RBAC: .+ over time/);
    // A new range while it is not drawn: it is drawn with that range when it comes into view.
    const sentence = last.locator("xpath=..").locator(".summary");
    await page.click('[data-range="30d"]');
    await expect.poll(() => sentence.textContent()).not.toEqual(summary);
    expect(await undrawn(page)).toContain(name);
    await last.scrollIntoViewIfNeeded();
    await expect.poll(async () => (await marks(page))[name] ?? 0).toBeGreaterThan(0);
    // Back at the top, a print draws every other chart without any scrolling.
    await page.evaluate("scrollTo(0, 0)");
    expect(await undrawn(page)).not.toEqual([]);
    await page.evaluate('dispatchEvent(new Event("beforeprint"))');
    expect(await page.evaluate("scrollY")).toBe(0);
    await expect.poll(() => undrawn(page)).toEqual([]);
    await expect.poll(() => page.getAttribute("#charts", "data-drawn")).toBe("all");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("names every chart, says it in a sentence and has its numbers in a table", async () => {
    const { page, problems } = await open(DESKTOP, false, seeded.origin);
    await page.goto(seeded.origin);
    await seeEveryChart(page);
    const data = (await (await fetch(`${seeded.origin}/api/v1/page`)).json()) as PageData;
    const day = isoDay(data.asOf ?? 0);
    // Each kind of chart: over time (counts, shares), and of the latest day (slices, buckets).
    const kinds = [
      ["Installations reporting", /: All [\d,]+, Persistent [\d,]+ \(\d+ points from /],
      ["core versions, share of installations", /: 3\.\d+(–3\.\d+)? [\d.]+\u00a0%/],
      ["PostgreSQL majors", /: (\d+(\.\d)?|Other \([\d., ]+\)) [\d.]+\u00a0%/],
      ["Installation age", /: [\d,]+ installations; the most, [\d,]+ \(/],
    ] as const;
    for (const [name, sentence] of kinds) {
      const figure = page.getByRole("figure", { name, exact: true });
      expect(await figure.count(), name).toBe(1);
      const summary = (await figure.locator(".summary").textContent()) ?? "";
      expect(summary.startsWith(`${name} on ${day}: `), summary).toBe(true);
      expect(summary).toMatch(sentence);
      // The drawing itself is hidden from assistive technology.
      expect(await figure.locator(".frappe").getAttribute("aria-hidden")).toBe("true");
    }
    // By keyboard: the installations chart's table fold, then into its scrolling table.
    const fold = page.getByRole("figure", { name: "Installations reporting" }).locator(".numbers");
    await fold.locator("summary").focus();
    await page.keyboard.press("Enter");
    const rows = fold.locator("tbody tr");
    // The 90 days of the default range, the newest first (the table is filled as the fold opens:
    // wait for it, a loaded machine may take a moment).
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(89);
    expect(await rows.first().locator("th").textContent()).toBe(day);
    expect(await fold.locator("thead th").allTextContents()).toEqual(["Date", "All", "Persistent"]);
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.getAttribute('role')")).toBe("region");
    // The range buttons by keyboard; the open table follows the range.
    await page.locator('[data-range="30d"]').focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => rows.count()).toBeLessThanOrEqual(31);
    expect(await page.getAttribute('[data-range="30d"]', "aria-pressed")).toBe("true");
    // Tab past "90 days" to "1 year", chosen with the space bar.
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    await page.keyboard.press(" ");
    expect(await page.getAttribute('[data-range="1y"]', "aria-pressed")).toBe("true");
    await expect.poll(() => page.getAttribute("#charts", "aria-busy")).toBeNull();
    // Share axes say "%"; a version keeps its color from one range to the next.
    expect(
      await page.locator('[data-name="versions:core"] .y.axis text').first().textContent(),
    ).toMatch(/%$/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  // axe-core takes about 4 minutes over the page with every fold open (24,000 elements, most
  // of them table cells) on this machine: that state is checked whole at 1280 px; at 390 and
  // 320 px with every fold of the first component and every chart's table open (the same kinds
  // of element, at the widths where boxes scroll and wrap).
  it("has no WCAG 2.1 AA violation at 1280, 390 and 320 px, in every state", async () => {
    const found: string[] = [];
    for (const [viewport, mobile] of [
      [DESKTOP, false],
      [PHONE, true],
      [NARROW, true],
    ] as const) {
      const { page, problems } = await open(viewport, mobile, seeded.origin);
      await page.goto(seeded.origin);
      await seeEveryChart(page);
      const at = `${viewport.width} px`;
      found.push(...(await axeViolations(page, `${at}, default`)));
      expect(await overflowsX(page), `${at} scrolls sideways`).toBe(false);
      await chooseRange(page, "all");
      found.push(...(await axeViolations(page, `${at}, All`)));
      if (viewport === DESKTOP) {
        // A version chart as a reader with deuteranopia sees it.
        const cdp = await page.context().newCDPSession(page);
        await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "deuteranopia" });
        await page
          .locator("#components article")
          .first()
          .locator(".frappe")
          .screenshot({ path: join(SCREENSHOTS, "core-all-deuteranopia.png") });
        await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "none" });
        await openFolds(page);
      } else {
        await openFolds(page, "#components article:first-child details");
        await openFolds(page, "details.numbers");
        await openFolds(page, ".card > .data-links details");
        await openFolds(page, "#upgrades details");
      }
      found.push(...(await axeViolations(page, `${at}, folds open`)));
      expect(await overflowsX(page), `${at} scrolls sideways, folds open`).toBe(false);
      expect(problems).toEqual([]);
      await page.context().close();
    }
    expect(found).toEqual([]);
  }, 900_000);

  // "Upgrades": fetched only when it comes near, its numbers the model's over what the stack
  // serves, no layout shift when it arrives, and no axe-core violation at three widths with
  // every fold of it open.
  it("shows how installations upgrade, at 1280, 390 and 320 px", async () => {
    const found: string[] = [];
    const data = (await (await fetch(`${seeded.origin}/api/v1/page`)).json()) as PageData;
    const asOf = data.asOf as number;
    const { families } = (await (await fetch(`${seeded.origin}/api/v1/dictionary`)).json()) as {
      families: Array<{ id: string; firstDay: string | null }>;
    };
    const since = movementSince(families);
    expect(since).not.toBeNull();
    // The movement began after the history did: the imported years have none.
    expect((since as string) > isoDay(Date.UTC(data.years[0] as number, 0, 1))).toBe(true);
    const latest = async (key: string) =>
      ((await (await fetch(`${seeded.origin}/api/v1/series/${key}`)).json()) as Point[]).at(-1);
    const blocks: SeriesBlock[] = [];
    for (const year of planYears(asOf, "90d", data.years)) {
      const res = await fetch(`${seeded.origin}/api/v1/joint/upgrades__core/${year}`);
      if (res.ok) blocks.push((await res.json()) as SeriesBlock);
    }
    const top = upgradePaths(jointSeries(blocks), rangeFirstDay(asOf, "90d"), asOf)[0];
    expect(top).toBeDefined();
    for (const [viewport, mobile] of [
      [DESKTOP, false],
      [PHONE, true],
      [NARROW, true],
    ] as const) {
      const { page, problems } = await open(viewport, mobile, seeded.origin);
      const fetched: string[] = [];
      page.on("request", (r) => {
        const path = new URL(r.url()).pathname;
        if (/^\/api\/v1\/(movement\/|joint\/upgrades__|dictionary$)/.test(path)) fetched.push(path);
      });
      await page.addInitScript(CLS_OBSERVER);
      await page.goto(seeded.origin);
      await page.locator("#planner").waitFor({ state: "attached", timeout: 120_000 });
      // Far below the first screen: nothing fetched for it yet.
      expect(fetched).toEqual([]);
      // Its own shifts only: counted from here (the page's load is the test above's).
      await page.evaluate("window.__cls = 0");
      const section = page.locator("#upgrades");
      await section.scrollIntoViewIfNeeded();
      await expect
        .poll(() => section.locator(".since").textContent(), { timeout: 30_000 })
        .toContain("Counted since");
      await expect.poll(() => section.getAttribute("aria-busy")).toBeNull();
      expect(await section.locator(".since").textContent()).toBe(
        `Counted since ${since}, the first day this service recorded movement: the Django service never kept it, so the history imported from it has none.`,
      );
      // Each movement group's year once, and the range's years of upgrade paths.
      expect(new Set(fetched).size).toBe(fetched.length);
      expect(fetched.filter((p) => p.startsWith("/api/v1/movement/"))).toHaveLength(4);
      // Both charts drawn, each as it comes near the window.
      for (const name of ["upgrades:paths", "upgrades:on-release"]) {
        await page.locator(`[data-name="${name}"]`).scrollIntoViewIfNeeded();
        await expect.poll(async () => (await marks(page))[name] ?? 0).toBeGreaterThan(0);
      }
      const paths = page.getByRole("figure", { name: "Most common core upgrade paths" });
      expect(await paths.locator(".summary").textContent()).toContain(
        `; the most, ${top?.upgrades.toLocaleString("en")} (`,
      );
      expect(await paths.locator(".summary").textContent()).toContain(pathName(top as UpgradePath));
      // The left-behind numbers are the series' latest points.
      const values = await section.locator(".left-behind .value").allTextContents();
      const expected = [];
      for (const age of ["6m", "12m", "24m"]) {
        const point = await latest(`left_behind__${age}`);
        expect(point?.[0]).toBe(asOf);
        expected.push((point?.[1] ?? 0).toLocaleString("en"));
      }
      expect(values).toEqual(expected);
      const shift = await cls(page);
      console.log(`Upgrades, layout shift at ${viewport.width} px: ${shift.toFixed(4)}`);
      expect(shift).toBeLessThan(0.001);
      await openFolds(page, "#upgrades details");
      expect(await section.locator(".by-release tbody tr").count()).toBeGreaterThan(0);
      expect(await section.locator(".paths-all tbody tr").count()).toBeGreaterThan(0);
      const at = `${viewport.width} px, Upgrades`;
      const result = await new AxeBuilder({ page })
        .include("#upgrades")
        .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
        .analyze();
      found.push(...result.violations.map((v) => `${at}: ${v.id} ×${v.nodes.length}`));
      expect(await overflowsX(page), `${at} scrolls sideways`).toBe(false);
      await section.screenshot({ path: join(SCREENSHOTS, `upgrades-${viewport.width}.png`) });
      expect(problems).toEqual([]);
      await page.context().close();
    }
    expect(found).toEqual([]);
  }, 300_000);

  it("says what happened when the data cannot be loaded, and offers a retry", async () => {
    const { page } = await open(PHONE, true, seeded.origin);
    await page.route(`${seeded.origin}/api/v1/page`, (route) => route.abort());
    await page.goto(seeded.origin);
    const failed = page.locator("#failed");
    await failed.waitFor({ state: "visible" });
    expect(await failed.getAttribute("role")).toBe("alert");
    expect(await failed.locator('a[href="/api/v1/export.csv"]').count()).toBe(1);
    expect(await page.isVisible("#charts")).toBe(false);
    expect(await axeViolations(page, "failed load")).toEqual([]);
    await page.unroute(`${seeded.origin}/api/v1/page`);
    await page.click("#retry");
    await expect.poll(() => page.textContent("#as-of")).toContain("Data as of");
    await page.context().close();
  });

  it("returns the range control and the URL to what is shown when a year fails", async () => {
    const { page } = await open(DESKTOP, false, seeded.origin);
    await page.route(`${seeded.origin}/api/v1/page/weekly/*`, (route) => route.abort());
    await page.goto(seeded.origin);
    await seeEveryChart(page);
    await page.click('[data-range="all"]');
    await expect.poll(() => page.textContent("#range-note")).toContain("could not be loaded");
    expect(await page.getAttribute('[data-range="all"]', "aria-pressed")).toBe("false");
    expect(await page.getAttribute('[data-range="90d"]', "aria-pressed")).toBe("true");
    expect(new URL(page.url()).hash).toBe("#range=90d");
    expect(await page.getAttribute("#charts", "aria-busy")).toBeNull();
    await page.context().close();
  });

  it("gives the open data links without JavaScript", async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(seeded.origin);
    const notice = page.locator(".notice", { hasText: "need JavaScript" });
    expect(await notice.isVisible()).toBe(true);
    expect(await notice.textContent()).toContain("need JavaScript");
    expect(await notice.locator('a[href="/api/v1/export.csv"]').isVisible()).toBe(true);
    expect(await page.isVisible("#as-of")).toBe(false);
    expect(await page.isVisible("#charts")).toBe(false);
    await context.close();
  });
});

describe("the front door", () => {
  it.each(["/app.js", "/style.css", "/vendor/frappe-charts.js", "/favicon.svg"])(
    "serves the static asset %s with nosniff and a 304 on revalidation",
    async (path) => {
      const res = await fetch(`${stack.origin}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      const etag = res.headers.get("ETag") ?? "";
      const again = await fetch(`${stack.origin}${path}`, { headers: { "If-None-Match": etag } });
      expect(again.status).toBe(304);
    },
  );

  it("answers the page and the API with 304s through ingest", async () => {
    for (const path of ["/", "/api/v1/page", "/api/v1/series/systems__total.csv"]) {
      const res = await fetch(`${stack.origin}${path}`);
      expect(res.status, path).toBe(200);
      const again = await fetch(`${stack.origin}${path}`, {
        headers: { "If-None-Match": res.headers.get("ETag") ?? "" },
      });
      expect(again.status, path).toBe(304);
    }
  });
});
