import { launchChromium } from "./lib/chromium";

const origin = process.argv[2];
const browser = await launchChromium();
for (const [name, width, height, mobile] of [
  ["desktop", 1280, 900, false],
  ["phone", 390, 844, true],
] as const) {
  const context = await browser.newContext({
    viewport: { width, height },
    isMobile: mobile,
    hasTouch: mobile,
  });
  const page = await context.newPage();
  page.on("console", (m) => console.log("console", m.type(), m.text()));
  page.on("pageerror", (e) => console.log("pageerror", e.message));
  await page.goto(`${origin}/?plan=rpm:3.30:core:3.80`);
  await page.locator("#as-of").filter({ hasText: "Data as of" }).waitFor({ timeout: 30000 });
  await page.locator("#upgrades").scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () =>
      !document.querySelector("#upgrades")?.hasAttribute("aria-busy") &&
      document.querySelector("#upgrades .since")?.textContent !== "",
    null,
    { timeout: 30000 },
  );
  await page.waitForTimeout(2500);
  await page.locator("#upgrades").screenshot({ path: `/tmp/page-upgrades-${name}.png` });
  await page.locator("#planner").scrollIntoViewIfNeeded();
  await page.waitForTimeout(2500);
  await page.locator("#planner").screenshot({ path: `/tmp/page-planner-${name}.png` });
  console.log(name, await page.locator("#upgrades .since").textContent());
  console.log(name, await page.locator("#upgrades .summary").allTextContents());
  await context.close();
}
await browser.close();
