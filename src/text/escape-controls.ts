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

// One control character as text shows it: \t, \n, \r, \xHH below U+0080, else \uHHHH.
function controlEscape(char: string): string {
  if (char === "\t") return "\\t";
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  const code = char.charCodeAt(0);
  if (code < 0x80) return `\\x${hex(code)}`;
  return `\\u${code.toString(16).padStart(4, "0")}`;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}

// One control character as bytes for a shell's $'…': \t, \n, \r, else \xHH for each byte of its
// UTF-8 encoding. Why bytes: bash turns \uHHHH into a character only in a UTF-8 locale (root's
// shell may have none), while \xHH is the same byte in every locale. Every character CONTROL
// matches is below U+10000, so at most three bytes.
function byteEscape(char: string): string {
  if (char === "\t" || char === "\n" || char === "\r") return controlEscape(char);
  const code = char.charCodeAt(0);
  const bytes =
    code < 0x80
      ? [code]
      : code < 0x800
        ? [0xc0 | (code >> 6), 0x80 | (code & 0x3f)]
        : [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
  return bytes.map((byte) => `\\x${hex(byte)}`).join("");
}

/** escapeControls for the inside of a shell's $'…': control characters as UTF-8 byte escapes. */
export function escapeControlsAsBytes(text: string): string {
  CONTROL.lastIndex = 0;
  return text.replace(CONTROL, byteEscape);
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
