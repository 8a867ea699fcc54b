/**
 * Debian's Chromium driven by playwright-core, as the browser test, the site benchmark and the
 * screenshots start it. The flags keep it off the network (this machine has none, and its
 * background services would otherwise try, many times, at every start).
 */
import { type Browser, chromium } from "playwright-core";

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
