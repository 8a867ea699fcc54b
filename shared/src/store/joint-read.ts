/**
 * Reads of the groups that are in neither `_page` nor the weekly history (the joint groups,
 * summary/joint.ts, and the movement groups, summary/movement.ts): their chunks of one year, and
 * the values on one day (for `GET /metrics`).
 */
import { parseChunk } from "./codec";
import { isViewGroup, parseChunkKey } from "./layout";

/** The chunk names, among `names`, of year `year` of the groups outside the page's views. */
export const offPageChunks = (names: readonly string[], year: number): string[] =>
  names.filter((name) => {
    const chunk = parseChunkKey(name);
    return chunk !== null && chunk.year === year && !isViewGroup(chunk.group);
  });

/** Every series' value on `day` in those chunk texts. */
export function valuesOn(texts: Iterable<string>, day: number): Map<string, number> {
  const values = new Map<string, number>();
  for (const text of texts) {
    for (const [key, points] of parseChunk(text)) {
      const last = points[points.length - 1];
      if (last && last[0] === day) values.set(key, last[1]);
    }
  }
  return values;
}
