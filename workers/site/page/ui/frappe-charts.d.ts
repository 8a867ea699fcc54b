/**
 * The little of frappe-charts 1.6 (no types of its own) that ui/frappe.ts uses: served as
 * public/vendor/frappe-charts.js, imported as "frappe-charts" (scripts/build-assets.mjs maps
 * it there). Only ui/frappe.ts imports it.
 */
declare module "frappe-charts" {
  export interface ChartData {
    labels: string[];
    datasets: Array<{ name: string; values: number[] }>;
  }

  export interface ChartOptions {
    type: "line" | "bar" | "percentage";
    data: ChartData;
    height?: number;
    colors?: string[];
    /** 0: no animation. */
    animate?: number;
    /** Percentage charts: beyond this many slices the smallest are merged into "Rest". */
    maxSlices?: number;
    axisOptions?: {
      xIsSeries?: boolean;
      xAxisMode?: "span" | "tick";
      shortenYAxisNumbers?: boolean;
    };
    barOptions?: { stacked?: boolean; spaceRatio?: number };
    lineOptions?: { hideDots?: number; dotSize?: number };
    tooltipOptions?: { formatTooltipY?: (value: number) => string | number };
  }

  /** Constructed, it is the chart of `options.type` (an AxisChart or a PercentageChart). */
  export class Chart {
    constructor(parent: HTMLElement, options: ChartOptions);
    update(data: ChartData): void;
    draw(onlyWidthChange?: boolean, init?: boolean): void;
    destroy(): void;
  }
}
