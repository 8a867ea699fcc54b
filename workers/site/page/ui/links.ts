/** Links to the open data behind the page: each series as JSON and CSV. */
import { el } from "./dom";

export const seriesUrl = (key: string, csv: boolean): string =>
  `/api/v1/series/${encodeURIComponent(key)}${csv ? ".csv" : ""}`;

function seriesLinks(key: string, label = key): HTMLLIElement {
  return el("li", {}, [
    el("span", { className: "series", textContent: label }),
    " ",
    el("a", { href: seriesUrl(key, false), textContent: "JSON" }),
    " ",
    el("a", { href: seriesUrl(key, true), textContent: "CSV" }),
  ]);
}

/**
 * The data behind a chart, folded away when it is more than a few series; the folded list is
 * built when first opened.
 */
export function dataLinks(keys: readonly string[]): HTMLElement {
  const list = () =>
    el(
      "ul",
      { className: "links" },
      keys.map((key) => seriesLinks(key)),
    );
  if (keys.length <= 2)
    return el("div", { className: "data" }, [el("span", { textContent: "Data: " }), list()]);
  const fold = el("details", { className: "data" }, [
    el("summary", { textContent: `Data: ${keys.length} series (JSON, CSV)` }),
  ]);
  fold.addEventListener("toggle", () => fold.append(list()), { once: true });
  return fold;
}
