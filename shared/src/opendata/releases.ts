/**
 * The release events of the Atom feed (docs/contract.md#feed): when a new x.y of a published
 * component is first run by a handful of installations, and when a release first reaches a
 * quarter and a half of its component's installations (counting newer x.y, as the page's
 * adoption does). Pure: built from the `versions__` chunks, every year of them.
 */
import { parseChunk } from "../store/codec";
import { VERSIONS_PREFIX } from "../summary/keys";

/** Installations an x.y must reach on one day to count as "seen": fewer is a test system. */
export const SEEN_MIN_INSTALLATIONS = 5;
/** The shares of the component's installations that make an entry. */
export const MILESTONES = [0.25, 0.5] as const;

export interface ReleaseEvent {
  /** 00:00 UTC of the day it happened. */
  day: number;
  component: string;
  xy: string;
  /** `seen`, or the share reached. */
  kind: "seen" | (typeof MILESTONES)[number];
  /** Installations on that x.y (and newer, for a share) that day, and the component's. */
  count: number;
  total: number;
}

/** `3.9` < `3.10` < `4.0`. */
function compareXy(a: string, b: string): number {
  const [ax = 0, ay = 0] = a.split(".").map(Number);
  const [bx = 0, by = 0] = b.split(".").map(Number);
  return ax - bx || ay - by;
}

/**
 * Every event in the history the chunk texts hold, oldest first. Nothing is reported on a
 * component's first day with data: what runs then was not new, only first recorded.
 */
export function releaseEvents(chunkTexts: Iterable<string>): ReleaseEvent[] {
  // component → day → x.y → installations
  const days = new Map<string, Map<number, Map<string, number>>>();
  for (const text of chunkTexts) {
    for (const [key, points] of parseChunk(text)) {
      if (!key.startsWith(VERSIONS_PREFIX)) continue;
      const rest = key.slice(VERSIONS_PREFIX.length);
      const cut = rest.indexOf("__");
      const component = rest.slice(0, cut);
      const xy = rest.slice(cut + 2);
      if (cut <= 0 || !/^\d+\.\d+$/.test(xy)) continue;
      const byDay = days.get(component) ?? new Map<number, Map<string, number>>();
      days.set(component, byDay);
      for (const [day, count] of points) {
        const counts = byDay.get(day) ?? new Map<string, number>();
        byDay.set(day, counts);
        counts.set(xy, count);
      }
    }
  }
  const events: ReleaseEvent[] = [];
  for (const [component, byDay] of days) {
    const done = new Set<string>();
    const ordered = [...byDay.keys()].sort((a, b) => a - b);
    for (const [index, day] of ordered.entries()) {
      const counts = byDay.get(day) as Map<string, number>;
      const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
      const newestFirst = [...counts.keys()].sort(compareXy).reverse();
      let newer = 0;
      for (const xy of newestFirst) {
        const count = counts.get(xy) as number;
        newer += count;
        const happened = (kind: ReleaseEvent["kind"], n: number) => {
          const id = `${xy}:${kind}`;
          if (done.has(id)) return;
          done.add(id);
          if (index > 0) events.push({ day, component, xy, kind, count: n, total });
        };
        if (count >= SEEN_MIN_INSTALLATIONS) happened("seen", count);
        for (const share of MILESTONES) if (newer >= share * total) happened(share, newer);
      }
    }
  }
  return events.sort(
    (a, b) => a.day - b.day || a.component.localeCompare(b.component) || compareXy(a.xy, b.xy),
  );
}
