import { launchChromium } from "./lib/chromium";
const browser = await launchChromium();
for (const [name, w] of [["desktop", 1280], ["phone", 390]] as const) {
  const page = await (await browser.newContext({ viewport: { width: w, height: 900 } })).newPage();
  await page.goto(process.argv[2]!);
  await page.locator('#charts[data-drawn="all"]').waitFor({ state: "attached" });
  await page.waitForTimeout(1500);
  await page.click("#components .exact summary");
  await page.click("#components .exact .xy summary");
  await page.waitForTimeout(300);
  await page.locator("#components article").first().screenshot({ path: `/tmp/shot-${name}-core.png` });
  await page.locator("#postgresql").screenshot({ path: `/tmp/shot-${name}-pg.png` });
  await page.click('[data-range="1y"]'); await page.waitForTimeout(2500);
  await page.locator("#installations").screenshot({ path: `/tmp/shot-${name}-inst-1y.png` });
}
await browser.close();
