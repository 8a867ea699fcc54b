/**
 * The page in headless Chromium against the local stack: empty state, then summarized data
 * built through the front door. Every chart must draw data points, with no console error, no
 * request leaving the origin, and nothing from the data interpreted as markup. Saves
 * screenshots (desktop and phone width) to browser/screenshots/.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium } from "../../../scripts/lib/chromium";
import { buildHistory, type Stack, startStack } from "../../../scripts/lib/stack";
import { packBlock } from "../../../shared/src/packed";
import type { PageData } from "../../../shared/src/page";

const SCREENSHOTS = join(import.meta.dirname, "screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

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
}

/** A page whose console errors, uncaught errors and off-origin requests are all recorded. */
async function open(viewport: { width: number; height: number }, mobile = false): Promise<Watched> {
  const context = await browser.newContext({
    viewport,
    isMobile: mobile,
    hasTouch: mobile,
    deviceScaleFactor: mobile ? 2 : 1,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning")
      problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    if (new URL(r.url()).origin !== stack.origin)
      problems.push(`request off the origin: ${r.url()}`);
  });
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  return { page, problems };
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

/** Per bucket chart: its shown x-axis labels that overlap the next one or are cut short. */
async function crowdedLabels(page: Page): Promise<string[]> {
  return page.$$eval('.frappe[data-name="age"], .frappe[data-name^="rbac:"]', (charts) =>
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
      const { page, problems } = await open(viewport, mobile);
      await page.goto(stack.origin);
      await expect.poll(() => page.textContent("#as-of")).toContain(`Data as of ${latest}`);
      await page.click("#components .exact summary");
      // frappe-charts draws zeros first and its data 700 ms later.
      await expect.poll(() => undrawn(page)).toEqual([]);
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
      const articles = await page.locator("#components article").count();
      const figures = await page.locator("#rbac figure").count();
      // The allowlist keeps in-house plugins off the public page.
      expect(await page.textContent("#components")).not.toContain("acme_internal");
      // Every range redraws without errors; the tooltip (frappe's one inline style) passes the CSP.
      for (const range of ["30d", "1y", "all", "90d"]) {
        await page.click(`[data-range="${range}"]`);
        expect(await page.getAttribute(`[data-range="${range}"]`, "aria-pressed")).toBe("true");
        await expect.poll(() => undrawn(page)).toEqual([]);
      }
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

  it("shows hostile names from the data as text, never as markup", async () => {
    const { page, problems } = await open(DESKTOP);
    const day = Date.UTC(2026, 3, 1);
    const evil = `<img src=x onerror="window.pwned=1">`;
    const hostile: PageData = {
      v: 2,
      generatedAt: day,
      asOf: day,
      recent: packBlock(
        [
          ["systems__total", [[day, 3]]],
          [`versions__${evil}__3.1`, [[day, 2]]],
          [`age__${evil}`, [[day, 1]]],
        ],
        day,
      ),
      latestXyz: { [`versions_xyz__${evil}__${evil}`]: 2 },
      years: [],
    };
    // Served in place of the real page data: the stack's own data never contains such names.
    await page.route(`${stack.origin}/api/v1/page`, (route) => route.fulfill({ json: hostile }));
    await page.goto(stack.origin);
    await page.waitForSelector(".component h3");
    await page.click("#components .exact summary");
    expect(await page.textContent(".component h3")).toBe(evil);
    expect(await page.textContent(".exact td")).toBe(evil);
    expect(await page.evaluate(() => (globalThis as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.locator("img").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("the front door", () => {
  it.each(["/app.js", "/chart-data.js", "/style.css", "/vendor/frappe-charts.js", "/favicon.svg"])(
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
