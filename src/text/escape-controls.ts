// Characters a terminal or a Markdown viewer acts on instead of showing, as visible escapes.
// Pure (no Node built-ins): the planner's shell quoting uses it, and so does every view.

// C0 controls (ESC, newline, CR, tab, ...), DEL, C1 controls (U+0080-U+009F: a terminal may take
// U+009B as CSI), the Arabic letter mark, left-to-right and right-to-left marks, line and
// paragraph separators, and the bidirectional embeddings, overrides and isolates (which make
// text display in another order than it is stored).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** Whether `text` holds a character escapeControls would rewrite. */
export function hasControls(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text);
}

// One control character as bash's $'…' spells it: \t, \n, \r, \xHH below U+0080, else \uHHHH.
function controlEscape(char: string): string {
  if (char === "\t") return "\\t";
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  const code = char.charCodeAt(0);
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, "0")}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control character replaced by its escape (ESC becomes `\x1b`, a newline
 * `\n`), so that printing it can neither move the cursor, change colours, start a new line nor
 * reorder what follows. Everything else, backslashes included, is left as it is.
 */
export function escapeControls(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL, controlEscape);
}

/**
 * escapeControls for text of several lines (a tool's error output): each newline stays a line
 * break followed by `indent`, so the lines stay readable and none can start where the caller's
 * own lines do.
 */
export function escapeLines(text: string, indent: string): string {
  return text.split("\n").map(escapeControls).join(`\n${indent}`);
}
