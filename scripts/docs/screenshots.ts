/**
 * `npm run screenshots [-- URL]`: the README's pictures of the page, retaken from a running stack
 * (default http://127.0.0.1:${PORT:-8787}/; the README's come from
 * `node scripts/run.mjs scripts/stack/seeded-stack.ts 5`, five years of synthetic history). Writes
 * docs/screenshots/page-{desktop,phone}.png (the whole page), page-{desktop,phone}-top.png (what
 * the first screen shows), page-{desktop,phone}-all.png (the whole page over "All") and
 * page-{desktop,phone}-adoption.png (core's card with its "Adoption" open),
 * page-{desktop,phone}-planner.png ("Plan a support change" opened by a rule in the URL, with
 * "Installed together"; the seeded stack's history has the joint series),
 * page-{desktop,phone}-upgrades.png ("Upgrades" over the default range, its per-release fold
 * open; the seeded history has core's movement series for its last 900 days), and on the desktop
 * page-desktop-deuteranopia.png (core's chart over "All" under Chromium's deuteranopia
 * emulation), page-print.pdf (the page printed, A4), page-print-2.png (that PDF's second page,
 * rendered by poppler's `pdftoppm`: Debian's poppler-utils) and page-print.png (the print
 * stylesheet at A4 width, the whole page in one picture). Needs Debian's Chromium (CHROMIUM_PATH
 * to use another).
 */
import { execFile } from "node:child_process";
import { mkdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { launchChromium } from "../lib/chromium";

const origin = (process.argv[2] ?? `http://127.0.0.1:${process.env.PORT ?? "8787"}`).replace(
  /\/+$/,
  "",
);
const out = resolve("docs/screenshots");
const views = [
  { name: "desktop", viewport: { width: 1280, height: 900 }, mobile: false },
  { name: "phone", viewport: { width: 390, height: 844 }, mobile: true },
] as const;

// The planner's rule in the pictures: "core 3.80 and newer requires PostgreSQL 14 or newer".
const PLAN = "core:3.80:postgresql:14";

// What frappe-charts draws for data points: lines, dots, bars, percentage slices.
const MARKS =
  "path.line-graph-path, .dataset-units rect, .dataset-units circle, rect.percentage-bar";

/** The charts (by data-name) that show no data mark yet. */
function undrawn(page: Page): Promise<string[]> {
  return page.$$eval(
    ".frappe",
    (charts, marks) =>
      charts.filter((c) => c.querySelector(marks) === null).map((c) => c.dataset.name ?? "?"),
    MARKS,
  );
}

/**
 * The page draws a chart only near the window, and every chart before printing: tells it a
 * print is coming until it has placed and drawn every chart. frappe-charts draws zeros first and
 * animates its data in: then waits until every chart has some.
 */
async function settled(page: Page): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    await page.evaluate(() => dispatchEvent(new Event("beforeprint")));
    if ((await page.getAttribute("#charts", "data-drawn")) === "all") break;
    if (Date.now() > deadline) throw new Error("the page never drew every chart");
    await page.waitForTimeout(250);
  }
  for (;;) {
    const missing = await undrawn(page);
    if (missing.length === 0) break;
    if (Date.now() > deadline) throw new Error(`charts without data: ${missing.join(", ")}`);
    await page.waitForTimeout(250);
  }
  // The last animation frames, so no chart is caught halfway.
  await page.waitForTimeout(1000);
}

/**
 * Page `n` of the PDF at `pdf` as `<stem>.png` (96 dpi), drawn by poppler's pdftoppm: what a
 * reader who prints the page gets on paper. Without poppler-utils, says so and goes on.
 */
async function pictureOfPage(pdf: string, n: number, stem: string): Promise<void> {
  const page = String(n);
  try {
    await promisify(execFile)("pdftoppm", [
      "-f",
      page,
      "-l",
      page,
      "-singlefile",
      "-png",
      "-r",
      "96",
      pdf,
      stem,
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    console.log(`  no pdftoppm here (apt-get install poppler-utils): ${stem}.png not retaken`);
    return;
  }
  console.log(`${stem}.png (${Math.round((await stat(`${stem}.png`)).size / 1024)} KB)`);
}

await mkdir(out, { recursive: true });
const browser = await launchChromium();
try {
  for (const { name, viewport, mobile } of views) {
    const context = await browser.newContext({
      viewport,
      isMobile: mobile,
      hasTouch: mobile,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${origin}/`);
    const asOf = page.locator("#as-of");
    await asOf.filter({ hasText: "Data as of" }).waitFor({ timeout: 15_000 });
    await settled(page);
    for (const [file, fullPage] of [
      [`page-${name}.png`, true],
      [`page-${name}-top.png`, false],
    ] as const) {
      const path = join(out, file);
      await page.screenshot({ path, fullPage });
      const kb = Math.round((await stat(path)).size / 1024);
      console.log(`${path} (${kb} KB)`);
    }
    // "Upgrades", loaded by the print event above, with its per-release table opened.
    const upgrades = page.locator("#upgrades");
    await upgrades.locator(".by-release summary").click();
    await upgrades.locator(".by-release table").waitFor({ timeout: 30_000 });
    await upgrades.scrollIntoViewIfNeeded();
    await upgrades.locator(`.frappe :is(${MARKS})`).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    const moved = join(out, `page-${name}-upgrades.png`);
    await upgrades.screenshot({ path: moved });
    console.log(`${moved} (${Math.round((await stat(moved)).size / 1024)} KB)`);
    await upgrades.locator(".by-release summary").click();
    await page.click('[data-range="all"]');
    await page.locator("#charts:not([aria-busy])").waitFor({ timeout: 30_000 });
    await settled(page);
    const all = join(out, `page-${name}-all.png`);
    await page.screenshot({ path: all, fullPage: true });
    console.log(`${all} (${Math.round((await stat(all)).size / 1024)} KB)`);
    const core = page.locator("#components article").first();
    if (name === "desktop") {
      const cdp = await context.newCDPSession(page);
      await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "deuteranopia" });
      const seen = join(out, "page-desktop-deuteranopia.png");
      await core.screenshot({ path: seen });
      console.log(`${seen} (${Math.round((await stat(seen)).size / 1024)} KB)`);
      await cdp.send("Emulation.setEmulatedVisionDeficiency", { type: "none" });
      const pdf = join(out, "page-print.pdf");
      await page.pdf({ path: pdf, format: "A4" });
      console.log(`${pdf} (${Math.round((await stat(pdf)).size / 1024)} KB)`);
      await pictureOfPage(pdf, 2, join(out, "page-print-2"));
      await page.emulateMedia({ media: "print" });
      await page.setViewportSize({ width: 794, height: 1123 });
      await settled(page);
      const printed = join(out, "page-print.png");
      await page.screenshot({ path: printed, fullPage: true });
      console.log(`${printed} (${Math.round((await stat(printed)).size / 1024)} KB)`);
      await page.emulateMedia({ media: "screen" });
      await page.setViewportSize(viewport);
      await settled(page);
    }
    await core.locator(".adoption summary").click();
    await core.locator(".adoption table.time-to").waitFor({ timeout: 30_000 });
    const adoption = join(out, `page-${name}-adoption.png`);
    await core.screenshot({ path: adoption });
    console.log(`${adoption} (${Math.round((await stat(adoption)).size / 1024)} KB)`);
    // The planner, opened by a rule in its URL as a pasted link opens it, with "Installed
    // together" below it (their joint series are in the history `seeded-stack.ts` seeds).
    await page.goto(`${origin}/?plan=${PLAN}`);
    const planner = page.locator("#planner");
    await planner.locator(".plan-result[data-of]").waitFor({ timeout: 30_000 });
    await planner.locator(".together table, .together .nodata").waitFor({ timeout: 30_000 });
    await planner.scrollIntoViewIfNeeded();
    await planner.locator(`.frappe :is(${MARKS})`).first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    const planned = join(out, `page-${name}-planner.png`);
    await planner.screenshot({ path: planned });
    console.log(`${planned} (${Math.round((await stat(planned)).size / 1024)} KB)`);
    console.log(`  ${name}: ${(await planner.locator(".plan-result").textContent())?.trim()}`);
    console.log(`  ${name}: ${(await asOf.textContent())?.trim()}`);
    if (problems.length > 0) console.log(`  ${name}: page errors: ${problems.join("; ")}`);
    await context.close();
  }
} finally {
  await browser.close();
}
