/** scripts/lib/shown.ts: what the operator tools print of a file's text. */
import { describe, expect, it } from "vitest";
import { quoted, shown } from "../lib/shown";

describe("shown", () => {
  it("escapes every character a terminal acts on or hides, and nothing else", () => {
    expect(shown("\u001b[2J\u001b]0;title\u0007")).toBe("\\u001b[2J\\u001b]0;title\\u0007");
    expect(shown("\u009b31m\u0085\u007f")).toBe("\\u009b31m\\u0085\\u007f");
    expect(shown("a\rb\nc\td")).toBe("a\\u000db\\u000ac\\u0009d");
    expect(shown("\u202eevil\u2066\u200b\u2028\ufeff")).toBe(
      "\\u202eevil\\u2066\\u200b\\u2028\\ufeff",
    );
    expect(shown("\ud800 lone")).toBe("\\ud800 lone");
    expect(shown('ünï "cödé" 😀 3.49.1 c:versions__core:2024')).toBe(
      'ünï "cödé" 😀 3.49.1 c:versions__core:2024',
    );
  });

  it("quotes a value as JSON, escaped the same way", () => {
    expect(quoted("production")).toBe('"production"');
    expect(quoted("\u009bx\u001b")).toBe('"\\u009bx\\u001b"');
    expect(quoted(2)).toBe("2");
    expect(quoted(undefined)).toBe("undefined");
  });
});
