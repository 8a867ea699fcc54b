/**
 * The site's first view through the local stack, with one day and with ten years of summarized
 * history (Pulp's release calendar written by the store, fixtures/src/summary.ts, every key seeded),
 * side by side in one run: what the default view downloads (HTML, CSS, JS with frappe-charts,
 * and the data; gzip -9), the time until every chart is drawn in headless Chromium (scrolled
 * down a window every 50 ms: a chart is drawn when it comes near the window), the longest
 * main-thread task, and what "1 year" and "All" fetch on top.
 */
import { gzipSync } from "node:zlib";
import { calendarSummary, seedEntries } from "@pulp-analytics/fixtures/summary";
import type { PageData } from "@pulp-analytics/shared/store";
import type { CDPSession } from "playwright-core";
import { launchChromium } from "../scripts/lib/chromium";
import { type Stack, startStack } from "../scripts/lib/stack";
import { yearsFor } from "../workers/site/page/model";

// SITE_BENCH_QUICK=1: fewer loads and no throttled ones, for trying changes.
const QUICK = process.env.SITE_BENCH_QUICK === "1";
const LOADS = QUICK ? 3 : 5;
const THROTTLED_LOADS = QUICK ? 1 : 3;
const INSTALLATIONS = 10_000;
const SIZES = [
  { name: "1 day", years: 1 / 365 },
  { name: "10 years", years: 10 },
] as const;
// What frappe-charts draws for data points; the browser test waits for the same marks.
const MARKS =
  "path.line-graph-path, .dataset-units rect, .dataset-units circle, rect.percentage-bar";

const gzip = (bytes: Buffer) => gzipSync(bytes, { level: 9 }).byteLength;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const n = (value: number) => value.toLocaleString("en");

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

async function get(origin: string, path: string): Promise<Buffer> {
  const res = await fetch(new URL(path, origin));
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

interface Load {
  drawn: number;
  longest: number;
  charts: number;
}

/** Loads the page `loads` times (after one that fills the edge cache), each in a fresh context. */
async function chartTimes(origin: string, loads: number, throttle: number): Promise<Load[]> {
  const browser = await launchChromium();
  const measured: Load[] = [];
  try {
    for (let load = 0; load <= loads; load++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      let cdp: CDPSession | undefined;
      if (throttle > 1) {
        cdp = await context.newCDPSession(page);
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: throttle });
      }
      // Watches the DOM from the first byte on and notes when the page says it has drawn its
      // first view and every chart on it has data marks; records every long task meanwhile.
      await page.addInitScript((marks: string) => {
        const w = window as unknown as { drawnAt?: number; charts?: number; longest: number };
        w.longest = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) w.longest = Math.max(w.longest, entry.duration);
        }).observe({ type: "longtask", buffered: true });
        const observer = new MutationObserver(() => {
          if (document.getElementById("charts")?.dataset.drawn !== "all") return;
          const charts = Array.from(document.querySelectorAll(".frappe"));
          if (charts.every((chart) => chart.querySelector(marks) !== null)) {
            w.drawnAt = performance.now();
            w.charts = charts.length;
            observer.disconnect();
          }
        });
        observer.observe(document, { subtree: true, childList: true, attributes: true });
      }, MARKS);
      await page.goto(origin, { waitUntil: "commit", timeout: 120_000 });
      // The page draws a chart only near the window: scrolled down a window every 50 ms, as a
      // reader skimming to the end would, and from the top again at the end (charts placed
      // after the scroll passed them), until it has placed and drawn every chart. (Before a
      // print it draws every chart at once; that path is not what a reader waits for.)
      const end = Date.now() + 120_000;
      while (!(await page.evaluate(() => "drawnAt" in window))) {
        if (Date.now() > end) throw new Error("the page never drew every chart");
        await page.evaluate(() => {
          const bottom = scrollY + innerHeight >= document.documentElement.scrollHeight - 1;
          if (bottom) scrollTo(0, 0);
          else scrollBy(0, innerHeight);
        });
        await page.waitForTimeout(50);
      }
      // Long tasks right after the last chart (a late redraw) count too.
      await page.waitForTimeout(1000);
      const times = await page.evaluate(() => {
        const w = window as unknown as { drawnAt: number; charts: number; longest: number };
        return { drawn: w.drawnAt, longest: w.longest, charts: w.charts };
      });
      if (load > 0) measured.push(times);
      await cdp?.detach();
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return measured;
}

interface Measured {
  name: string;
  code: Array<{ path: string; raw: number; gzip: number }>;
  data: { raw: number; gzip: number };
  weekly: { "1y": { years: number; gzip: number }; all: { years: number; gzip: number } };
  loads: Load[];
  throttled: Load[];
}

async function measure(stack: Stack, name: string): Promise<Measured> {
  const code = (await pageFiles(stack.origin)).map((f) => ({
    path: f.path,
    raw: f.bytes.byteLength,
    gzip: gzip(f.bytes),
  }));
  const pageBytes = await get(stack.origin, "/api/v1/page");
  const page = JSON.parse(pageBytes.toString("utf8")) as PageData;
  const weeklyOf = async (range: "1y" | "all") => {
    const years = yearsFor(page, range);
    let total = 0;
    for (const year of years) total += gzip(await get(stack.origin, `/api/v1/page/weekly/${year}`));
    return { years: years.length, gzip: total };
  };
  const weekly = { "1y": await weeklyOf("1y"), all: await weeklyOf("all") };
  const loads = await chartTimes(stack.origin, LOADS, 1);
  const throttled = await chartTimes(stack.origin, THROTTLED_LOADS, 4);
  return {
    name,
    code,
    data: { raw: pageBytes.byteLength, gzip: gzip(pageBytes) },
    weekly,
    loads,
    throttled,
  };
}

function report(runs: Measured[]): { weight: string; charts: string } {
  const [small, large] = runs as [Measured, Measured];
  const codeGzip = (m: Measured) => m.code.reduce((sum, f) => sum + f.gzip, 0);
  const weight = [
    `| file | raw bytes | gzip -9 bytes |`,
    "|---|---:|---:|",
    ...large.code.map((f) => `| \`${f.path}\` | ${n(f.raw)} | ${n(f.gzip)} |`),
    `| **code total** | ${n(large.code.reduce((s, f) => s + f.raw, 0))} | **${n(codeGzip(large))}** (${kb(codeGzip(large))}) |`,
    "",
    `| history (${n(INSTALLATIONS)} installations) | \`/api/v1/page\` gzip -9 | default view, code + data, gzip -9 | "1 year" fetches on top | "All" fetches on top |`,
    "|---|---:|---:|---:|---:|",
    ...runs.map(
      (m) =>
        `| ${m.name} | ${kb(m.data.gzip)} (${n(m.data.raw)} B raw) | **${kb(codeGzip(m) + m.data.gzip)}** | ${kb(m.weekly["1y"].gzip)} (${m.weekly["1y"].years} years) | ${kb(m.weekly.all.gzip)} (${m.weekly.all.years} years) |`,
    ),
  ].join("\n");
  const row = (m: Measured, loads: Load[], label: string) =>
    `| ${m.name} | ${label} | ${median(loads.map((l) => l.drawn)).toFixed(0)} | ${loads.map((l) => l.drawn.toFixed(0)).join(", ")} | ${median(loads.map((l) => l.longest)).toFixed(0)} (${loads.map((l) => l.longest.toFixed(0)).join(", ")}) | ${loads[0]?.charts} |`;
  const ratio = (pick: (m: Measured) => Load[]) =>
    (median(pick(large).map((l) => l.drawn)) / median(pick(small).map((l) => l.drawn))).toFixed(2);
  const charts = [
    `${LOADS} loads (${THROTTLED_LOADS} with the CPU throttled 4× through CDP), each after one that fills the edge cache, in a fresh browser context (cold browser cache), 1280×900. "Drawn": from navigation start until the page, scrolled down a window every 50 ms, has drawn its first view and every chart has data marks. Longest task: the longest \`longtask\` entry (PerformanceObserver, buffered) until one second after that.`,
    "",
    "| history | CPU | every chart drawn, median ms | every load (ms) | longest task, median ms (every load) | charts |",
    "|---|---|---:|---|---:|---:|",
    ...runs.flatMap((m) => [row(m, m.loads, "as is"), row(m, m.throttled, "4× slower")]),
    "",
    `Drawn, 10 years ÷ 1 day: **${ratio((m) => m.loads)}×** (4× slower CPU: ${ratio((m) => m.throttled)}×).`,
  ].join("\n");
  return { weight, charts };
}

export async function benchSite(): Promise<{ weight: string; charts: string }> {
  const runs: Measured[] = [];
  for (const size of SIZES) {
    const summary = await calendarSummary({
      years: size.years,
      installations: INSTALLATIONS,
      lastDay: Date.UTC(2026, 10, 26),
    });
    const stack = await startStack({ summary: seedEntries(summary) });
    try {
      runs.push(await measure(stack, size.name));
      console.error(`site: ${size.name} measured`);
    } finally {
      await stack.stop();
    }
  }
  return report(runs);
}
