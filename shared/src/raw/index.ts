/**
 * What RAW holds per installation: the compact metadata that lets the summarizer work from
 * `list()` pages alone, and the rule for what a new check-in writes.
 */

export type { Movement, RawMeta } from "./metadata";
export {
  checkInDays,
  encodeMeta,
  factsFromMeta,
  META_VERSION,
  metaBytes,
  movementOf,
  parseMeta,
  worstCaseMetaBytes,
} from "./metadata";
export { planWrite } from "./record";
