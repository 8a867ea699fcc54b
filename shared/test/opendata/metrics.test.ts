import { describe, expect, it } from "vitest";
import { FAMILIES } from "../../src/opendata/dictionary";
import {
  escapeLabelValue,
  formatOpenMetrics,
  formatValue,
  metricFamilies,
  naturalCompare,
  OPENMETRICS_CONTENT_TYPE,
  openMetrics,
} from "../../src/opendata/metrics";
import { EMPTY_PAGE } from "../../src/opendata/series";
import { applyDays, type DayPoints } from "../../src/store/apply";
import { PAGE_KEY } from "../../src/store/layout";
import type { PageData } from "../../src/store/views";
import { memoryKV } from "../../src/testing/memory-kv";

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const D = (iso: string, points: Record<string, number>): DayPoints => ({
  day: day(iso),
  points: new Map(Object.entries(points)),
});

/** The page data the summarizer's store writes for these days. */
async function pageOf(days: DayPoints[], now: number): Promise<PageData> {
  const kv = memoryKV();
  await applyDays(kv, days, { now });
  return JSON.parse(kv.data.get(PAGE_KEY) ?? "null") as PageData;
}

const GENERATED = Date.parse("2026-04-03T00:00:07.250Z");

/** The dictionary's joint families: their values come from their chunks, not the page. */
const JOINT = ["core_postgresql", "plugin_core", "installed", "together", "upgrades"];

describe("openMetrics", () => {
  it("is only # EOF before the first summary", () => {
    expect(openMetrics(EMPTY_PAGE)).toBe("# EOF\n");
    expect(OPENMETRICS_CONTENT_TYPE).toBe(
      "application/openmetrics-text; version=1.0.0; charset=utf-8",
    );
  });

  it("gives every family of the latest day, with metadata, labels and values", async () => {
    const page = await pageOf(
      [
        D("2026-04-01", {
          systems__total: 10,
          systems__persistent: 8,
          "versions__core__3.48": 8,
          // Gone the next day: no sample.
          "versions__rpm__3.27": 2,
        }),
        D("2026-04-02", {
          systems__total: 12,
          systems__persistent: 9,
          "versions__core__3.49": 5,
          "versions__core__3.9": 1,
          "versions__core__3.10": 3,
          "versions_xyz__core__3.49.1": 5,
          postgresql__15: 6,
          "postgresql__9.6": 1,
          postgresql__unknown: 2,
          online_workers__processes__mean: 2.5,
          online_workers__processes__min: 1,
          online_workers__processes__max: 8,
          online_content_apps__hosts__mean: 1.33,
          "age__5-8": 4,
          age__0: 3,
          "age__17-32": 5,
          rbac__users__0: 7,
          "rbac__custom_access_policies__3-4": 2,
        }),
      ],
      GENERATED,
    );
    // The movement series are not in the page data: the route reads them from their chunks.
    const offPage = new Map<string, number>([
      ["on_release__core__under_30d", 3],
      ["on_release__core__1_2y", 6],
      ["on_release_median__core__3.49", 12.5],
      ["left_behind__6m", 6],
      ["left_behind_on__6_12m__3.10", 5],
      ["left_behind_on__6_12m__other", 1],
    ]);
    const text = openMetrics(page, offPage);
    expect(text.endsWith("\n# EOF\n")).toBe(true);
    const lines = text.split("\n");
    // One HELP per family, right after its TYPE (and UNIT), never empty.
    const help = lines.filter((line) => line.startsWith("# HELP "));
    expect(help).toHaveLength(lines.filter((line) => line.startsWith("# TYPE ")).length);
    for (const line of help) expect(line).toMatch(/^# HELP pulp_analytics_[a-z_]+ \S.{10,}$/);
    // HELP says what the data dictionary says each exported family counts (the joint families,
    // which are not in the page data, below).
    for (const family of FAMILIES) {
      if (!family.metric || JOINT.includes(family.id)) continue;
      const line = help.find((h) => h.startsWith(`# HELP pulp_analytics_${family.metric?.name} `));
      expect(line, family.id).toContain(family.counts);
    }
    expect(lines.filter((line) => !line.startsWith("# HELP "))).toEqual([
      "# TYPE pulp_analytics_summary_day_seconds gauge",
      "# UNIT pulp_analytics_summary_day_seconds seconds",
      `pulp_analytics_summary_day_seconds ${day("2026-04-02") / 1000}`,
      "# TYPE pulp_analytics_summary_generated_seconds gauge",
      "# UNIT pulp_analytics_summary_generated_seconds seconds",
      "pulp_analytics_summary_generated_seconds 1775174407.25",
      "# TYPE pulp_analytics_systems gauge",
      'pulp_analytics_systems{kind="persistent"} 9',
      'pulp_analytics_systems{kind="total"} 12',
      "# TYPE pulp_analytics_versions gauge",
      'pulp_analytics_versions{component="core",version="3.9"} 1',
      'pulp_analytics_versions{component="core",version="3.10"} 3',
      'pulp_analytics_versions{component="core",version="3.49"} 5',
      "# TYPE pulp_analytics_postgresql gauge",
      'pulp_analytics_postgresql{major="9.6"} 1',
      'pulp_analytics_postgresql{major="15"} 6',
      'pulp_analytics_postgresql{major="unknown"} 2',
      "# TYPE pulp_analytics_online_workers gauge",
      'pulp_analytics_online_workers{measure="processes",stat="max"} 8',
      'pulp_analytics_online_workers{measure="processes",stat="mean"} 2.5',
      'pulp_analytics_online_workers{measure="processes",stat="min"} 1',
      "# TYPE pulp_analytics_online_content_apps gauge",
      'pulp_analytics_online_content_apps{measure="hosts",stat="mean"} 1.33',
      "# TYPE pulp_analytics_age gauge",
      'pulp_analytics_age{bucket="0"} 3',
      'pulp_analytics_age{bucket="5-8"} 4',
      'pulp_analytics_age{bucket="17-32"} 5',
      "# TYPE pulp_analytics_rbac gauge",
      'pulp_analytics_rbac{measure="custom_access_policies",bucket="3-4"} 2',
      'pulp_analytics_rbac{measure="users",bucket="0"} 7',
      "# TYPE pulp_analytics_on_release gauge",
      'pulp_analytics_on_release{component="core",bucket="1_2y"} 6',
      'pulp_analytics_on_release{component="core",bucket="under_30d"} 3',
      "# TYPE pulp_analytics_on_release_median gauge",
      'pulp_analytics_on_release_median{component="core",version="3.49"} 12.5',
      "# TYPE pulp_analytics_left_behind gauge",
      'pulp_analytics_left_behind{age="6m"} 6',
      "# TYPE pulp_analytics_left_behind_on gauge",
      'pulp_analytics_left_behind_on{band="6_12m",core="3.10"} 5',
      'pulp_analytics_left_behind_on{band="6_12m",core="other"} 1',
      "# EOF",
      "",
    ]);
    expect(text).toContain(
      "# HELP pulp_analytics_summary_generated_seconds When the summarizer wrote the summary, as Unix time\n",
    );
  });

  it("leaves out series with no point on the latest day, exact versions and unknown keys", async () => {
    const page = await pageOf(
      [
        D("2026-04-01", { systems__total: 3, "versions__rpm__3.27": 2 }),
        D("2026-04-02", {
          systems__total: 4,
          "versions_xyz__core__3.49.1": 4,
          future__thing: 1,
          versions__broken: 1,
        }),
      ],
      GENERATED,
    );
    expect(page.latestXyz).toEqual({ "versions_xyz__core__3.49.1": 4 });
    const families = metricFamilies(page);
    expect(families.map((f) => f.name)).toEqual([
      "summary_day_seconds",
      "summary_generated_seconds",
      "systems",
    ]);
    expect(families[2]?.samples).toEqual([{ labels: [["kind", "total"]], value: 4 }]);
  });

  it("takes new statistics of a process measure as they come (e.g. percentiles)", async () => {
    const page = await pageOf(
      [D("2026-04-02", { systems__total: 4, online_workers__hosts__p90: 3 })],
      GENERATED,
    );
    expect(openMetrics(page)).toContain(
      'pulp_analytics_online_workers{measure="hosts",stat="p90"} 3\n',
    );
  });
});

describe("escaping and formatting", () => {
  it("escapes backslash, double quote and line feed in label values, nothing else", () => {
    expect(escapeLabelValue('a\\b"c\nd{e}=,f')).toBe('a\\\\b\\"c\\nd{e}=,f');
  });

  it("writes hostile label values and help texts so that each stays one line", () => {
    const text = formatOpenMetrics([
      {
        name: "x",
        help: 'say "hi"\\ \nbye',
        samples: [
          {
            labels: [
              ["a", '"}\n# EOF\n'],
              ["b", ""],
            ],
            value: 1,
          },
        ],
      },
    ]);
    expect(text).toBe(
      [
        "# TYPE pulp_analytics_x gauge",
        '# HELP pulp_analytics_x say \\"hi\\"\\\\ \\nbye',
        'pulp_analytics_x{a="\\"}\\n# EOF\\n",b=""} 1',
        "# EOF",
        "",
      ].join("\n"),
    );
  });

  it("formats values as OpenMetrics numbers", () => {
    expect([0, 12, 2.5, 1e21, 1e-7, -3, Number.NaN, Infinity, -Infinity].map(formatValue)).toEqual([
      "0",
      "12",
      "2.5",
      "1e+21",
      "1e-7",
      "-3",
      "NaN",
      "+Inf",
      "-Inf",
    ]);
  });

  it("orders label values with numbers compared as numbers", () => {
    const values = ["3.10", "unknown", "10.0", "3.9", "17-32", "3-4", "0", "3.49", "9.6"];
    expect([...values].sort(naturalCompare)).toEqual([
      "0",
      "3-4",
      "3.9",
      "3.10",
      "3.49",
      "9.6",
      "10.0",
      "17-32",
      "unknown",
    ]);
  });
});

describe("the joint families", () => {
  it("label each joint series by its key's parts, beside the page's families", async () => {
    const page = await pageOf(
      [
        D("2026-04-02", {
          systems__total: 40,
          "core_postgresql__3.49__15": 30,
          "plugin_core__rpm__3.28__3.49": 20,
        }),
      ],
      GENERATED,
    );
    // The joint series never reach the page data: the route hands their latest values in.
    expect(Object.keys(page.recent.series)).toEqual(["systems__total"]);
    const joint = new Map([
      ["core_postgresql__3.49__15", 30],
      ["core_postgresql__3.49__other", 7],
      ["plugin_core__rpm__3.28__3.49", 20],
      ["installed__rpm", 20],
      ["together__core__rpm", 20],
      ["upgrades__core__3.48__3.49", 6],
    ]);
    const text = openMetrics(page, joint);
    for (const line of [
      'pulp_analytics_core_postgresql{core="3.49",major="15"} 30',
      'pulp_analytics_core_postgresql{core="3.49",major="other"} 7',
      'pulp_analytics_plugin_core{plugin="rpm",version="3.28",core="3.49"} 20',
      'pulp_analytics_installed{component="rpm"} 20',
      'pulp_analytics_together{component="core",with="rpm"} 20',
      'pulp_analytics_upgrades{component="core",from="3.48",to="3.49"} 6',
      'pulp_analytics_systems{kind="total"} 40',
    ]) {
      expect(text).toContain(`\n${line}\n`);
    }
    expect(text).toContain("# TYPE pulp_analytics_plugin_core gauge\n");
    for (const family of FAMILIES.filter((f) => JOINT.includes(f.id))) {
      const help = text
        .split("\n")
        .find((h) => h.startsWith(`# HELP pulp_analytics_${family.id} `));
      expect(help, family.id).toContain(family.counts);
    }
  });
});
