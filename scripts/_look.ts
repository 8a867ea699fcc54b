import { launchChromium } from "./lib/chromium";
const origin = process.argv[2]!;
const browser = await launchChromium();
for (const [name, vp] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]] as const) {
  const ctx = await browser.newContext({ viewport: vp });
  const page = await ctx.newPage();
  const problems: string[] = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(m.text()); });
  page.on("pageerror", (e) => problems.push(e.message));
  const reqs: string[] = [];
  page.on("request", (r) => reqs.push(new URL(r.url()).pathname));
  const t = Date.now();
  await page.goto(origin);
  await page.waitForFunction(() => document.querySelectorAll(".frappe").length > 20 && [...document.querySelectorAll(".frappe")].every(c => c.querySelector("path.line-graph-path, .dataset-units rect, rect.percentage-bar")), undefined, { timeout: 30000 });
  console.log(name, "drawn in", Date.now() - t, "ms");
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `/tmp/look-${name}.png`, fullPage: true });
  await page.screenshot({ path: `/tmp/look-${name}-top.png` });
  for (const r of ["all", "1y"]) {
    await page.click(`[data-range="${r}"]`);
    await page.waitForTimeout(2500);
    console.log(r, await page.textContent("#range-note"));
    await page.screenshot({ path: `/tmp/look-${name}-${r}.png`, fullPage: false });
  }
  await page.locator("#components article").first().screenshot({ path: `/tmp/look-${name}-core-1y.png` });
  console.log(reqs.filter(p => p.startsWith("/api")).join(" "));
  console.log(problems);
  await ctx.close();
}
await browser.close();
