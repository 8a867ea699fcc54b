/**
 * `GET /feed.atom` (docs/contract.md#feed): the release events of SUMMARY's version history as an
 * Atom 1.0 feed, written by the `feed` package. One entry per event, dated by its day, with an id
 * made of the host, the component, the x.y and the event, so a reader never sees one twice.
 */

import { isoDay } from "@pulp-analytics/shared/config";
import type { ReleaseEvent } from "@pulp-analytics/shared/opendata";
import { Feed } from "feed";

/** The newest entries kept: a reader polls daily, and the series API has the whole history. */
const FEED_ENTRIES = 50;

const SHARE_WORDS: Record<string, string> = { "0.25": "a quarter", "0.5": "half" };

function entryText(event: ReleaseEvent): { title: string; text: string } {
  const { component, xy, count, total } = event;
  const day = isoDay(event.day);
  if (event.kind === "seen") {
    return {
      title: `${component} ${xy} is in use`,
      text: `On ${day}, ${count} of ${total} installations running ${component} ran ${xy}: the first day a handful did.`,
    };
  }
  const share = SHARE_WORDS[String(event.kind)] ?? `${event.kind * 100} %`;
  return {
    title: `${component} ${xy} or newer runs on ${share} of ${component} installations`,
    text: `On ${day}, ${count} of ${total} installations running ${component} (${Math.round((count / total) * 100)} %) ran ${xy} or a newer x.y.`,
  };
}

/** The feed at `origin` (scheme and host) of the newest {@link FEED_ENTRIES} events. */
export function atomFeed(origin: string, events: readonly ReleaseEvent[]): string {
  const host = new URL(origin).host;
  const newest = [...events].reverse().slice(0, FEED_ENTRIES);
  const feed = new Feed({
    title: "Pulp Analytics: releases in use",
    description:
      "New Pulp releases seen running, and releases reaching a quarter and half of the installations",
    id: `${origin}/feed.atom`,
    link: `${origin}/`,
    feedLinks: { atom: `${origin}/feed.atom` },
    updated: new Date(newest[0]?.day ?? 0),
    author: { name: "Pulp Analytics", link: `${origin}/` },
    copyright: "Public usage summaries of Pulp installations",
    generator: false,
  });
  for (const event of newest) {
    const { title, text } = entryText(event);
    feed.addItem({
      title,
      id: `tag:${host},2022:release/${event.component}/${event.xy}/${event.kind}`,
      link: `${origin}/api/v1/series/versions__${event.component}__${event.xy}`,
      date: new Date(event.day),
      description: text,
    });
  }
  return feed.atom1();
}
