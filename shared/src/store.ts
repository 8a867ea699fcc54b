/**
 * PLACEHOLDER on the `importer` branch: the interface of the lead's store (SUMMARY's chunked
 * layout), so the importer can be written against it before it lands on main. The merge of
 * main replaces this file whole with the real one.
 */
import type { JournalDay } from "./series";

export interface SummaryKV {
  list(prefix?: string): Promise<string[]>;
  getMany(keys: string[]): Promise<Map<string, string>>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export type DayPoints = JournalDay;

export interface ApplyOptions {
  now: number;
  keepStoredDays?: boolean;
}

export interface ApplyResult {
  daysApplied: string[];
  daysKept: string[];
  writes: number;
  deletes: number;
}

export async function applyDays(
  _kv: SummaryKV,
  _days: readonly DayPoints[],
  _options: ApplyOptions,
): Promise<ApplyResult> {
  throw new Error("applyDays is not on this branch yet: merge main once the store has landed");
}
