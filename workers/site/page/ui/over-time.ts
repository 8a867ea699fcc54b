/**
 * Installation age and RBAC usage over the chosen range (model/over-time.ts), stacked shares
 * drawn under each card's latest-day bars; redrawn in place when the range changes.
 */
import type { RbacMeasure } from "@pulp-analytics/shared/checkin";
import { ageShareChart, type ChartData, RBAC_LABEL, rbacShareCharts } from "../model";
import { draw, stackedShares } from "./charts";
import { byId, el } from "./dom";
import { nextTask } from "./tasks";

/** The card's "over time" block, made once: a caption and one chart target per name. */
function target(cardId: string, name: string, caption: string): HTMLElement {
  const id = `${cardId}-over-time-${name}`;
  const found = document.getElementById(id);
  if (found) return found;
  const chart = el("div", { className: "chart", id });
  const links = byId(cardId).querySelector(".data-links");
  const block = el("div", { className: "over-time" }, [
    el("p", { className: "note", textContent: caption }),
    chart,
  ]);
  if (links) links.before(block);
  else byId(cardId).append(block);
  return chart;
}

export async function drawOverTime(data: ChartData): Promise<void> {
  const age = ageShareChart(data);
  draw(
    target("age", "all", "Over time, as shares of each day's installations:"),
    "age:over-time",
    age,
    stackedShares(age),
    {
      kind: "shares",
      title: "Installation age over time, share of each day's installations",
      day: "",
      labelHead: "Date",
    },
  );
  for (const { measure, chart } of rbacShareCharts(data)) {
    await nextTask();
    const caption = `${RBAC_LABEL[measure as RbacMeasure]} over time, as shares of the installations that reported RBAC (core 3.23 or newer):`;
    draw(
      target("rbac", measure, caption),
      `rbac:${measure}:over-time`,
      chart,
      stackedShares(chart),
      {
        kind: "shares",
        title: `RBAC: ${RBAC_LABEL[measure as RbacMeasure]} over time, share of installations that reported RBAC`,
        day: "",
        labelHead: "Date",
      },
    );
  }
}
