/** A component's "Adoption" fold: the x.y-or-newer shares and the time-to-share table. */
import type { PageData, WeeklyHistory } from "@pulp-analytics/shared/store";
import {
  ADOPTION_THRESHOLDS,
  ADOPTION_VERSIONS,
  adoptionSeries,
  atLeastShares,
  count,
  daysText,
  isoDay,
  timeToShare,
} from "../model";
import { el, noData, scrollBox, withDates } from "./dom";
import { everyYear } from "./history";

/** A bar's track: decoration only, the share is written next to it. */
function track(bar: HTMLElement): HTMLElement {
  const node = el("span", { className: "track" }, [bar]);
  node.setAttribute("aria-hidden", "true");
  return node;
}

const head = (titles: readonly string[]) =>
  el("thead", {}, [
    el(
      "tr",
      {},
      titles.map((t) => el("th", { scope: "col", textContent: t })),
    ),
  ]);

/** The adoption tables of one component, from the page and (when loaded) the weekly years. */
function adoptionTables(
  page: PageData,
  component: string,
  weeks: readonly WeeklyHistory[] | null,
): HTMLElement[] {
  const day = isoDay(page.asOf as number);
  const rows = atLeastShares(page, component);
  if (rows.length === 0) return [noData(`No ${component} version on ${day}.`)];
  const atLeast = el("table", { className: "at-least" }, [
    el("caption", {}, withDates(`Installations on each x.y, and on it or a newer one, ${day}`)),
    head(["x.y", "On this x.y", "On this x.y or newer", "Share on it or newer"]),
    el(
      "tbody",
      {},
      rows.map((r) => {
        const bar = el("span", { className: "bar" });
        bar.style.width = `${r.atLeast}%`;
        return el("tr", {}, [
          el("th", { scope: "row", textContent: r.xy }),
          el("td", { textContent: count(r.installations) }),
          el("td", { textContent: count(r.atLeastInstallations) }),
          el("td", { className: "share" }, [
            track(bar),
            el("span", { textContent: `${r.atLeast} %` }),
          ]),
        ]);
      }),
    ),
  ]);
  const series = adoptionSeries(page, component, weeks);
  const times = timeToShare(
    series,
    rows.slice(0, ADOPTION_VERSIONS).map((r) => r.xy),
  );
  const span = weeks
    ? "over the whole history (weekly points before the last 90 days, so to within a week)"
    : "within the last 90 days";
  const [quarter, half] = ADOPTION_THRESHOLDS;
  const timeTable = el("table", { className: "time-to" }, [
    el("caption", {
      textContent: `Days each of the ${ADOPTION_VERSIONS} newest releases took to reach ${quarter} % and ${half} % of installations, counting newer x.y, ${span}`,
    }),
    head(["x.y", "First seen", `${quarter} %`, `${half} %`]),
    el(
      "tbody",
      {},
      times.map((t) =>
        el("tr", {}, [
          el("th", { scope: "row", textContent: t.xy }),
          el("td", { textContent: t.firstSeen ?? "earlier" }),
          ...t.days.map((n) => el("td", { textContent: daysText(n) })),
        ]),
      ),
    ),
  ]);
  const note = el("p", {
    className: "note",
    textContent: `“—”: not reached yet, or the release was already in use when the ${weeks ? "history" : "90 days"} began (first seen “earlier”).`,
  });
  return [
    scrollBox(`${component}: installations on each x.y or newer`, atLeast),
    scrollBox(`${component}: days to reach ${quarter} % and ${half} %`, timeTable),
    note,
  ];
}

/**
 * The "Adoption" fold of a component, computed when first opened: the first view computes
 * nothing for it. Opening it fetches every year of weekly history once (shared by every
 * component and by "All"): how long a release took to spread needs the day it first appeared,
 * which for most of the recent x.y is before the page's 90 days. Until then, or if the history
 * cannot be loaded, the tables say they are from the last 90 days.
 */
export function adoptionFold(page: PageData, component: string): HTMLElement {
  const fold = el("details", { className: "adoption" }, [
    el("summary", { textContent: "Adoption" }),
  ]);
  const body = el("div", { className: "adoption-body" });
  fold.append(body);
  fold.addEventListener(
    "toggle",
    async () => {
      const status = el("p", { className: "note", textContent: "Loading the weekly history…" });
      status.setAttribute("role", "status");
      body.setAttribute("aria-busy", "true");
      body.replaceChildren(status);
      let weeks: WeeklyHistory[] | null = null;
      try {
        weeks = await everyYear(page);
      } catch {
        weeks = null;
      }
      body.replaceChildren(...adoptionTables(page, component, weeks));
      if (!weeks)
        body.prepend(
          el("p", {
            className: "note",
            textContent: "The weekly history could not be loaded: the last 90 days only.",
          }),
        );
      body.removeAttribute("aria-busy");
    },
    { once: true },
  );
  return fold;
}
