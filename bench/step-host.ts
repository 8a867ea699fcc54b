/**
 * Carries `runNight` (workers/summarizer/src/run.ts) in a benchmark's child process as the
 * Workflow carries it in production (workers/summarizer/src/workflow.ts): each step with its own
 * KV counter capped at MAX_KV_OPS, its result passed on as the engine keeps it (serialized), the
 * slices' sums kept between steps as JSON per slice and day, as the lock's Durable Object keeps
 * them (in Buffers: outside the heap, since they are in the Durable Object's storage, not in the
 * step's memory). Each step is measured: KV operations, CPU (`process.cpuUsage()`), wall time,
 * and the peak heap, sampled at each KV call and at the step's end after a `gc()` before it.
 */
import type { DayPartial } from "@pulp-analytics/shared/summary";
import { MAX_KV_OPS } from "../workers/summarizer/src/op-budget";
import type { RunHost } from "../workers/summarizer/src/run";
import type { Traffic } from "./kv-namespace";

export interface StepCost {
  name: string;
  kvOps: number;
  cpuMs: number;
  wallMs: number;
  /** Heap after the `gc()` before the step, and the largest sampled within it, MB. */
  baseHeapMB: number;
  peakHeapMB: number;
}

/** What a step should stay under: half a Worker's memory, its KV operations, its CPU. */
export const BUDGET = { heapMB: 64, kvOps: 1000, cpuMs: 30_000 };

const MB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

export const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** Runs `work` as one measured step. */
export async function measured<T>(
  traffic: Traffic,
  name: string,
  work: () => Promise<T>,
): Promise<[T, StepCost]> {
  gc();
  const base = process.memoryUsage().heapUsed;
  traffic.peakHeap = base;
  const ops = traffic.ops;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const value = await work();
  const cost: StepCost = {
    name,
    kvOps: traffic.ops - ops,
    cpuMs: cpuMs(cpu),
    wallMs: performance.now() - started,
    baseHeapMB: base / MB,
    peakHeapMB: Math.max(traffic.peakHeap, process.memoryUsage().heapUsed) / MB,
  };
  return [value, cost];
}

/** A host that runs each step in turn, measured into `steps`. */
export function measuredHost(traffic: Traffic, steps: StepCost[]): RunHost {
  // slice → day → that day's sums as JSON.
  const kept = new Map<number, Map<number, Buffer>>();
  return {
    async step(name, work) {
      const [value, cost] = await measured(traffic, name, () =>
        work({ ops: 0, limit: MAX_KV_OPS }),
      );
      steps.push(cost);
      return JSON.parse(JSON.stringify(value));
    },
    async keep(slice, partials) {
      kept.set(slice, new Map(partials.map((p) => [p.day, Buffer.from(JSON.stringify(p))])));
    },
    async sums(day, absorb) {
      // One slice's sums parsed at a time, as the Workflow reads them from the lock.
      for (const days of kept.values()) {
        const json = days.get(day);
        if (json !== undefined) absorb(JSON.parse(json.toString()) as DayPartial);
      }
    },
  };
}
