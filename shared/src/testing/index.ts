/**
 * Test doubles and helpers for tests, benchmarks and tools (SUMMARY in memory). No worker
 * imports this face, so none bundles it.
 */

export type { MemoryKV } from "./memory-kv";
export { daysOfSeries, memoryKV, memorySummary, pageViewsOf } from "./memory-kv";
