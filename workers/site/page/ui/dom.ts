/** DOM helpers: elements built with their properties and children, and the page's fixed parts. */
import { splitDates } from "../model";

type Child = Node | string;

/** A new element with `props` assigned (text goes in as textContent) and `children` appended. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  children: readonly Child[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  Object.assign(node, props);
  node.append(...children);
  return node;
}

/** An element of the static page (src/html.ts), by id. */
export function byId(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`no #${id} on the page`);
  return node;
}

/**
 * `text` as nodes, each ISO date in it kept on one line (a phone would break it at a hyphen);
 * the text is unchanged.
 */
export function withDates(text: string): Child[] {
  return splitDates(text).map((part) =>
    part.date ? el("span", { className: "nowrap", textContent: part.text }) : part.text,
  );
}

/** A chart section of the page: where its charts and its data links go. */
export interface Card {
  chart: HTMLElement;
  /** The latest day's chart, in the sections that have one (PostgreSQL). */
  latest: HTMLElement | null;
  links: HTMLElement;
}

export function card(id: string): Card {
  const section = byId(id);
  const find = (selector: string) => section.querySelector<HTMLElement>(selector);
  const need = (selector: string) => {
    const node = find(selector);
    if (!node) throw new Error(`no ${selector} in #${id}`);
    return node;
  };
  return {
    chart: need(":scope > .chart:not(.chart-latest)"),
    latest: find(":scope > .chart-latest"),
    links: need(".data-links"),
  };
}

/** "Nothing reported yet.": a chart or list with no data. */
export const noData = (text = "Nothing reported yet."): HTMLParagraphElement =>
  el("p", { className: "nodata", textContent: text });

/**
 * A box that scrolls sideways when its content is wider than the page (a wide table on a
 * phone): focusable and named, so a keyboard can scroll it too.
 */
export function scrollBox(label: string, content: HTMLElement): HTMLElement {
  const box = el("div", { className: "scroll", tabIndex: 0 }, [content]);
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", label);
  return box;
}
