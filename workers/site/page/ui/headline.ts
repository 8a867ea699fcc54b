/** The headline: a strip of the numbers a visitor looks for first (no chart). */
import type { PageData } from "@pulp-analytics/shared/store";
import {
  CHANGE_DAYS,
  count,
  type Headline,
  headline,
  signed,
  signedPercent,
  supportedPostgresqlLabel,
} from "../model";
import { byId, el, withDates } from "./dom";

const stat = (label: string, value: string, detail: string) =>
  el("div", { className: "stat" }, [
    el("dt", { textContent: label }),
    el("dd", { className: "value", textContent: value }),
    el("dd", { className: "detail" }, withDates(detail)),
  ]);

export function showHeadline(page: PageData): void {
  const head = headline(page);
  const section = byId("headline");
  if (!head) return;
  const stats = [
    stat("Installations reporting", count(head.installations), `on ${head.day}, the latest day`),
    head.change
      ? stat(
          `Change over ${CHANGE_DAYS} days`,
          signed(head.change.absolute),
          head.change.percent === null
            ? `since ${head.change.since}`
            : `${signedPercent(head.change.percent)} since ${head.change.since}`,
        )
      : stat(`Change over ${CHANGE_DAYS} days`, "—", "no earlier day to compare with yet"),
    head.core
      ? stat(
          "Most used core version",
          head.core.xy,
          `on ${head.core.share}\u00a0% of installations running core (${count(head.core.installations)})`,
        )
      : stat("Most used core version", "—", "no core version reported"),
    head.postgresql
      ? stat(
          "On a supported PostgreSQL",
          `${head.postgresql.share}\u00a0%`,
          `${supportedPostgresqlLabel()}, of ${count(head.postgresql.known)} with a known version`,
        )
      : stat("On a supported PostgreSQL", "—", "no PostgreSQL version reported"),
  ];
  section.querySelector(".stats")?.replaceChildren(...stats);
  section.hidden = false;
  showPostgresqlReporting(head);
}

/**
 * Who the headline's PostgreSQL share leaves out, in the PostgreSQL card: kept out of the
 * headline, whose details have a fixed room (a longer one would push the charts down as it
 * arrives), and beside the charts it is about.
 */
function showPostgresqlReporting(head: Headline): void {
  const note = document.querySelector("#postgresql .reporting");
  if (!note || !head.postgresql) return;
  const { known, unknown, reporting } = head.postgresql;
  note.textContent =
    `On ${head.day}, ${count(known)} installations reported a PostgreSQL major` +
    (unknown > 0 ? ` and ${count(unknown)} did not (shown as "unknown")` : "") +
    `; ${count(reporting.installations)} ${reporting.of} can report it. ` +
    `The headline's share is of those with a known major.`;
}
