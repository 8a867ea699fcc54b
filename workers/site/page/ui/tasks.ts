/**
 * Lets the browser paint and handle input once the current task has run for a slice, so no
 * single task draws every chart (the longest task stays about a slice long), without paying a
 * frame for every chart.
 */
const SLICE_MS = 10;

/** `scheduler.yield()` where the browser has it (not yet in TypeScript's DOM types). */
const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;

let sliceStart = performance.now();

export async function nextTask(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await (scheduler?.yield
    ? scheduler.yield()
    : new Promise<void>((resolve) => setTimeout(resolve, 0)));
  sliceStart = performance.now();
}
