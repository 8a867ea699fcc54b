import { describe, expect, it } from "vitest";
import { count, daysText, escapeHtml, signed, signedPercent, splitDates } from "../model";

describe("text", () => {
  it("escapes text for HTML", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;",
    );
  });
});

describe("numbers as the page writes them", () => {
  it("counts with thousands separators, changes with a sign", () => {
    expect(count(1234567)).toBe("1,234,567");
    expect(count(2.5)).toBe("2.5");
    expect(signed(1200)).toBe("+1,200");
    expect(signed(-3)).toBe("−3");
    expect(signed(0)).toBe("0");
    expect(signedPercent(2.5)).toBe("+2.5\u00a0%");
    expect(signedPercent(-1)).toBe("−1\u00a0%");
    expect(signedPercent(0)).toBe("0\u00a0%");
  });

  it("says days, one day, or a dash for none", () => {
    expect(daysText(null)).toBe("—");
    expect(daysText(0)).toBe("0 days");
    expect(daysText(1)).toBe("1 day");
    expect(daysText(1234)).toBe("1,234 days");
  });

  it("cuts text around its ISO dates", () => {
    expect(splitDates("from 2026-04-01 to 2026-04-03.")).toEqual([
      { text: "from ", date: false },
      { text: "2026-04-01", date: true },
      { text: " to ", date: false },
      { text: "2026-04-03", date: true },
      { text: ".", date: false },
    ]);
    expect(splitDates("2026-04-01")).toEqual([
      { text: "", date: false },
      { text: "2026-04-01", date: true },
      { text: "", date: false },
    ]);
    expect(splitDates("no date")).toEqual([{ text: "no date", date: false }]);
  });
});
