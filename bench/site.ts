/**
 * The site through the local stack, with summarized history built through the front door: the
 * page weight (everything a first view downloads except the data, gzip -9) and the time until
 * every chart is drawn in headless Chromium, next to the same load's DOMContentLoaded.
 */
import { gzipSync } from "node:zlib";
import { launchChromium } from "../scripts/lib/chromium";
import { buildHistory } from "../scripts/lib/stack";

const LOADS = 5;
// What frappe-charts draws for data points; the browser test waits for the same marks.
const MARKS =
  "path.line-graph-path, .dataset-units rect, .dataset-units circle, rect.percentage-bar";

/** The page and every script and style it loads, static imports followed. */
async function pageFiles(origin: string): Promise<Array<{ path: string; bytes: Buffer }>> {
  const files = new Map<string, Buffer>();
  const queue = ["/"];
  while (queue.length > 0) {
    const path = queue.shift() as string;
    if (files.has(path)) continue;
    const res = await fetch(new URL(path, origin));
    if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    files.set(path, bytes);
    const text = bytes.toString("utf8");
    const references =
      path === "/"
        ? [...text.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)]
        : path.endsWith(".js")
          ? [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+\.js)"/g)]
          : [];
    for (const [, reference] of references) {
      queue.push(new URL(reference as string, new URL(path, origin)).pathname);
    }
  }
  return [...files].map(([path, bytes]) => ({ path, bytes }));
}

async function pageWeight(origin: string): Promise<string> {
  const files = await pageFiles(origin);
  const rows = files.map((f) => ({ ...f, gzip: gzipSync(f.bytes, { level: 9 }).byteLength }));
  const raw = rows.reduce((n, r) => n + r.bytes.byteLength, 0);
  const gzip = rows.reduce((n, r) => n + r.gzip, 0);
  return [
    "| file | raw bytes | gzip -9 bytes |",
    "|---|---:|---:|",
    ...rows.map(
      (r) =>
        `| \`${r.path}\` | ${r.bytes.byteLength.toLocaleString("en")} | ${r.gzip.toLocaleString("en")} |`,
    ),
    `| **total** | **${raw.toLocaleString("en")}** | **${gzip.toLocaleString("en")}** (${(gzip / 1024).toFixed(1)} KiB) |`,
  ].join("\n");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function chartTimes(origin: string, latest: string): Promise<string> {
  const browser = await launchChromium();
  const loads: Array<{ dcl: number; drawn: number; charts: number }> = [];
  try {
    // One unmeasured load first: it fills the site's edge cache, as any earlier visitor would.
    for (let load = 0; load <= LOADS; load++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      // Watches every DOM change from the first byte on, and notes the moment the page says
      // which day its data is from and every chart on it has data marks.
      await page.addInitScript((marks: string) => {
        const w = window as unknown as { drawnAt?: number; charts?: number };
        const observer = new MutationObserver(() => {
          const charts = Array.from(document.querySelectorAll(".frappe"));
          const status = document.getElementById("as-of")?.textContent ?? "";
          if (status.startsWith("Data as of") && charts.length > 0) {
            if (charts.every((chart) => chart.querySelector(marks) !== null)) {
              w.drawnAt = performance.now();
              w.charts = charts.length;
              observer.disconnect();
            }
          }
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true });
      }, MARKS);
      await page.goto(origin);
      await page.waitForFunction(() => "drawnAt" in window, undefined, { timeout: 30_000 });
      const times = await page.evaluate(() => {
        const w = window as unknown as { drawnAt: number; charts: number };
        const navigation = performance.getEntriesByType("navigation")[0] as
          | PerformanceNavigationTiming
          | undefined;
        return {
          dcl: navigation?.domContentLoadedEventEnd ?? Number.NaN,
          drawn: w.drawnAt,
          charts: w.charts,
          asOf: document.getElementById("as-of")?.textContent ?? "",
        };
      });
      if (!times.asOf.includes(latest)) throw new Error(`the page shows ${times.asOf}`);
      if (load > 0) loads.push(times);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const dcl = median(loads.map((l) => l.dcl));
  const drawn = median(loads.map((l) => l.drawn));
  return [
    `${LOADS} loads (after one that fills the edge cache), each in a fresh browser context (cold browser cache), 1280×900, ${loads[0]?.charts} charts:`,
    "",
    "| | median ms from navigation start | every load (ms) |",
    "|---|---:|---|",
    `| \`DOMContentLoaded\` done | ${dcl.toFixed(0)} | ${loads.map((l) => l.dcl.toFixed(0)).join(", ")} |`,
    `| every chart drawn with data | ${drawn.toFixed(0)} | ${loads.map((l) => l.drawn.toFixed(0)).join(", ")} |`,
    `| ratio drawn ÷ DOMContentLoaded | **${(drawn / dcl).toFixed(1)}×** | |`,
  ].join("\n");
}

export async function benchSite(origin: string): Promise<{ weight: string; charts: string }> {
  const latest = await buildHistory(origin, 45, 40);
  console.error(`site: 45 days of history summarized (latest ${latest})`);
  const weight = await pageWeight(origin);
  const charts = await chartTimes(origin, latest);
  console.error("site: page weight and chart times measured");
  return { weight, charts };
}
