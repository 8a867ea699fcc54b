import { describe, expect, it } from "vitest";
import { escapeHtml } from "../model";

describe("text", () => {
  it("escapes text for HTML", () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      "&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;",
    );
  });
});
