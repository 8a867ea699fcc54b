/**
 * `GET /metrics` against a reference parser: Python's prometheus_client OpenMetrics parser
 * (Debian's `python3-prometheus-client`; PyPI is not needed). The exposition comes from a
 * realistic SUMMARY: the demo's simulated installations, decoded by the real decoder, summarized
 * day by day and stored through `applyDays`, exactly as the summarizer does.
 *
 * Without the module the test says so loudly and is skipped; CI (REQUIRE_OPENMETRICS=1, set by
 * .ci/run, which installs the package) fails instead.
 */
import { spawnSync } from "node:child_process";
import { encodeBody } from "@pulp-analytics/fixtures/bodies";
import { simulate } from "@pulp-analytics/fixtures/fleet";
import { decodeCheckIn, factsOf } from "@pulp-analytics/shared/checkin";
import {
  EMPTY_PAGE,
  formatOpenMetrics,
  METRIC_PREFIX,
  type MetricFamily,
  metricFamilies,
  openMetrics,
} from "@pulp-analytics/shared/opendata";
import type { PageData } from "@pulp-analytics/shared/store";
import { applyDays, type DayPoints, PAGE_KEY } from "@pulp-analytics/shared/store";
import {
  parseSummaryConfig,
  type SystemRecord,
  summarizeDay,
} from "@pulp-analytics/shared/summary";
import { memoryKV } from "@pulp-analytics/shared/testing";
import { describe, expect, it } from "vitest";

const PARSE = `
import json, sys
from prometheus_client.openmetrics.parser import text_string_to_metric_families
families = []
for family in text_string_to_metric_families(sys.stdin.read()):
    families.append({
        "name": family.name,
        "type": family.type,
        "unit": family.unit,
        "help": family.documentation,
        "samples": [
            {"name": s.name, "labels": s.labels, "value": s.value, "timestamp": s.timestamp}
            for s in family.samples
        ],
    })
print(json.dumps(families))
`;

/** A Python that has the parser: OPENMETRICS_PYTHON, Debian's own, or the first on PATH. */
function findPython(): string | null {
  const candidates = process.env.OPENMETRICS_PYTHON
    ? [process.env.OPENMETRICS_PYTHON]
    : ["/usr/bin/python3", "python3"];
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", "import prometheus_client.openmetrics.parser"]);
    if (probe.status === 0) return python;
  }
  return null;
}

const python = findPython();
const required = process.env.REQUIRE_OPENMETRICS === "1";
const MISSING =
  "OpenMetrics reference parser: no Python with prometheus_client (apt-get install -y python3-prometheus-client, or set OPENMETRICS_PYTHON)";
if (!python && !required) console.warn(`\n*** ${MISSING}: SKIPPED ***\n`);

interface Parsed {
  name: string;
  type: string;
  unit: string;
  help: string;
  samples: { name: string; labels: Record<string, string>; value: number; timestamp: unknown }[];
}

/** The exposition as the reference parser reads it; throws with its complaint if it refuses. */
function parse(text: string): Parsed[] {
  const run = spawnSync(python as string, ["-c", PARSE], { input: text, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`prometheus_client refused the exposition:\n${run.stderr}`);
  return JSON.parse(run.stdout) as Parsed[];
}

/** 90 days of the demo's installations (the default story), summarized into SUMMARY's `_page`. */
async function realisticPage(): Promise<PageData> {
  const lastDay = Date.parse("2026-03-10T00:00:00Z");
  const demo = simulate({ systems: 300, days: 90, seed: 12, lastDay, now: lastDay + 20 * 3600e3 });
  const config = parseSummaryConfig({});
  const systems = new Map<string, SystemRecord>();
  const record = (checkIn: (typeof demo.history)[number]) => {
    const { body, contentType } = encodeBody(checkIn, checkIn.form);
    const decoded = decodeCheckIn(body, contentType);
    if (!decoded.ok) throw new Error(`the demo posted a body the decoder refuses: ${checkIn.form}`);
    const previous = systems.get(checkIn.systemId);
    systems.set(checkIn.systemId, {
      firstSeen: previous?.firstSeen ?? checkIn.at,
      lastCheckIn: checkIn.at,
      facts: factsOf(decoded.value.checkIn),
    });
  };
  for (const checkIn of demo.history) record(checkIn);
  const days: DayPoints[] = [];
  for (const { day, checkIns } of demo.days) {
    for (const checkIn of checkIns) record(checkIn);
    const summary = summarizeDay(day, systems.values(), config);
    days.push({ day, points: summary.points });
  }
  const kv = memoryKV();
  await applyDays(kv, days, { now: lastDay + 86_400_000 + 4_321 });
  return JSON.parse(kv.data.get(PAGE_KEY) as string) as PageData;
}

/** What the parser should read for `family`'s samples (no timestamps are sent). */
const expectedSamples = (family: MetricFamily) =>
  family.samples.map((sample) => ({
    name: `${METRIC_PREFIX}${family.name}`,
    labels: Object.fromEntries(sample.labels),
    value: sample.value,
    timestamp: null,
  }));

describe.skipIf(!python)("the OpenMetrics reference parser (prometheus_client)", () => {
  it("reads every family and sample of a realistic day, values exactly", async () => {
    const page = await realisticPage();
    const families = metricFamilies(page);
    const parsed = parse(openMetrics(page));
    expect(parsed.map((f) => f.name)).toEqual(families.map((f) => `${METRIC_PREFIX}${f.name}`));
    for (const [i, family] of families.entries()) {
      const got = parsed[i] as Parsed;
      expect(got.type, family.name).toBe("gauge");
      expect(got.unit, family.name).toBe(family.unit ?? "");
      expect(got.help, family.name).toBe(family.help);
      expect(got.samples, family.name).toEqual(expectedSamples(family));
    }

    // Every family the issue asks for, with the numbers of the stored series.
    const byName = new Map(parsed.map((f) => [f.name.slice(METRIC_PREFIX.length), f]));
    for (const name of [
      "summary_day_seconds",
      "summary_generated_seconds",
      "systems",
      "versions",
      "postgresql",
      "online_workers",
      "online_content_apps",
      "age",
      "rbac",
    ]) {
      expect(byName.get(name)?.samples.length, name).toBeGreaterThan(0);
    }
    const value = (name: string, labels: Record<string, string>) =>
      byName.get(name)?.samples.find((s) => JSON.stringify(s.labels) === JSON.stringify(labels))
        ?.value;
    const sum = (name: string, match: Record<string, string> = {}) =>
      (byName.get(name)?.samples ?? [])
        .filter((s) => Object.entries(match).every(([k, v]) => s.labels[k] === v))
        .reduce((total, s) => total + s.value, 0);
    expect(value("summary_day_seconds", {})).toBe((page.asOf as number) / 1000);
    expect(value("summary_generated_seconds", {})).toBe(page.generatedAt / 1000);
    const total = value("systems", { kind: "total" }) as number;
    const persistent = value("systems", { kind: "persistent" }) as number;
    expect(total).toBeGreaterThan(100);
    // Every installation has an age; every persistent one reports core and a PostgreSQL answer.
    expect(sum("age")).toBe(total);
    expect(sum("versions", { component: "core" })).toBe(persistent);
    expect(sum("postgresql")).toBe(persistent);
    expect(value("online_workers", { measure: "processes", stat: "min" })).toBeGreaterThan(0);
  });

  it("reads label values and help texts with backslashes, quotes and line feeds back intact", () => {
    const hostile = 'a\\b"c\nd},e="f" 1\n# EOF';
    const parsed = parse(
      formatOpenMetrics([
        {
          name: "hostile",
          help: 'help with "quotes", a \\ and a\nline feed',
          samples: [
            { labels: [["v", hostile]], value: 1 },
            { labels: [["v", ""]], value: 0.25 },
          ],
        },
      ]),
    );
    expect(parsed).toEqual([
      {
        name: "pulp_analytics_hostile",
        type: "gauge",
        unit: "",
        help: 'help with "quotes", a \\ and a\nline feed',
        samples: [
          { name: "pulp_analytics_hostile", labels: { v: hostile }, value: 1, timestamp: null },
          { name: "pulp_analytics_hostile", labels: { v: "" }, value: 0.25, timestamp: null },
        ],
      },
    ]);
  });

  it("reads the exposition before the first summary as valid and empty", () => {
    expect(openMetrics(EMPTY_PAGE)).toBe("# EOF\n");
    expect(parse(openMetrics(EMPTY_PAGE))).toEqual([]);
  });

  it("refuses what is not OpenMetrics (the check has teeth)", () => {
    expect(() => parse('pulp_analytics_x{v="a"} 1\n')).toThrow(/Missing # EOF/);
    // What escaping prevents: a raw quote or line feed in a label value.
    expect(() => parse('pulp_analytics_x{v="a"b"} 1\n# EOF\n')).toThrow(/Invalid labels/);
    expect(() => parse('pulp_analytics_x{v="a\nb"} 1\n# EOF\n')).toThrow();
    expect(() => parse("# TYPE x gauge\n# UNIT x seconds\nx 1\n# EOF\n")).toThrow(/Unit/);
  });
});

describe.runIf(required && !python)("REQUIRE_OPENMETRICS=1", () => {
  it("needs the reference parser", () => {
    throw new Error(MISSING);
  });
});
