/**
 * Reads of the joint groups (summary/joint.ts), which are in neither `_page` nor the weekly
 * history: their chunks of one year, and the values on one day (for `GET /metrics`).
 */
import { isJointGroup } from "../summary/joint";
import { parseChunk } from "./codec";
import { parseChunkKey } from "./layout";

/** The chunk names, among `names`, of the joint groups' year `year`. */
export const jointChunks = (names: readonly string[], year: number): string[] =>
  names.filter((name) => {
    const chunk = parseChunkKey(name);
    return chunk !== null && chunk.year === year && isJointGroup(chunk.group);
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
