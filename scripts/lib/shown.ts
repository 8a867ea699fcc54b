/**
 * Text from a file (a dump, a backup, SUMMARY itself) as the operator tools print it. Such text is
 * not ours: a hand-edited file can hold terminal escape sequences (`ESC [ 2 J`, the one-byte CSI
 * `U+009B`), a carriage return that overwrites the line before, bidirectional overrides that
 * reorder what is shown, or a newline that starts a line looking like the tool's own ("Restored
 * production"). Every such character is printed as its JSON-style `\uXXXX` escape instead.
 */

/**
 * C0 controls (tab and newline included), DEL, C1 controls, the soft hyphen, Arabic letter mark,
 * zero-width and bidirectional format characters, line and paragraph separators, word joiners
 * and invisible operators, the byte-order mark, interlinear annotations, and lone surrogates.
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it is about
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** `text` with every character a terminal could act on, or that hides, escaped as `\uXXXX`. */
export function shown(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** A value from a file, quoted and escaped: `"production"`, `"\u001b[2J"`. */
export function quoted(value: unknown): string {
  return shown(JSON.stringify(value) ?? String(value));
}
