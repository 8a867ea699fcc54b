/** The exact versions of the latest day under each component's chart. */
import type { PageData } from "@pulp-analytics/shared/store";
import {
  count,
  EXACT_MINOR_SHARE,
  type ExactGroup,
  type ExactVersion,
  exactTable,
  isoDay,
} from "../model";
import { el, noData, scrollBox } from "./dom";
import { seriesUrl } from "./links";

const head = () =>
  el(
    "tr",
    {},
    ["Version", "Installations", "Share", "History"].map((t) =>
      el("th", { scope: "col", textContent: t }),
    ),
  );

const row = (r: ExactVersion) =>
  el("tr", {}, [
    el("td", { textContent: r.version }),
    el("td", { textContent: count(r.installations) }),
    el("td", { textContent: `${r.share}%` }),
    el("td", {}, [
      el("a", { href: seriesUrl(r.key, false), textContent: "JSON" }),
      " ",
      el("a", { href: seriesUrl(r.key, true), textContent: "CSV" }),
    ]),
  ]);

const group = (g: ExactGroup) =>
  el("details", { className: "xy" }, [
    el("summary", {}, [
      el("span", { className: "xy-name", textContent: g.xy }),
      el("span", {
        className: "xy-count",
        textContent: `${count(g.installations)} installations (${g.share}%), ${g.versions.length} version${g.versions.length === 1 ? "" : "s"}`,
      }),
    ]),
    scrollBox(
      `${g.xy} exact versions`,
      el("table", {}, [el("thead", {}, [head()]), el("tbody", {}, g.versions.map(row))]),
    ),
  ]);

/** The exact versions of the latest day: one folded table per x.y, all folded in one. */
export function exactVersionsFold(page: PageData, component: string): HTMLElement {
  const table = exactTable(page, component);
  const day = isoDay(page.asOf as number);
  if (table.groups.length === 0) return noData(`No exact versions on ${day}.`);
  // Built when first opened: hundreds of rows nobody may look at need not delay the charts.
  const fold = el("details", { className: "exact" }, [
    el("summary", {
      textContent: `Exact versions on ${day}: ${table.versions} in ${table.groups.length} x.y`,
    }),
  ]);
  // The x.y with at least EXACT_MINOR_SHARE (1) % of installations each, newest first; the long tail of small and
  // old ones in one more fold.
  const { tail } = table;
  const tailFold = () =>
    tail
      ? [
          el("details", { className: "xy tail" }, [
            el("summary", {
              textContent: `${tail.groups.length} more x.y under ${EXACT_MINOR_SHARE} % each: ${count(tail.installations)} (${tail.share}%)`,
            }),
            el("div", { className: "groups" }, tail.groups.map(group)),
          ]),
        ]
      : [];
  fold.addEventListener(
    "toggle",
    () =>
      fold.append(el("div", { className: "groups" }, [...table.shown.map(group), ...tailFold()])),
    { once: true },
  );
  return fold;
}
