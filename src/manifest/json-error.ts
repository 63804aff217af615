// Where and why JSON text is malformed, found by a small scanner so messages do not depend on the Node version.

type Found = { offset: number; problem: string };

const LITERALS = ["true", "false", "null"];
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// JSON strings may not hold raw control characters.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function skipSpace(text: string, at: number): number {
  let i = at;
  while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  return i;
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return "the end of the text";
  const char = String.fromCodePoint(text.codePointAt(at)!);
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f]/.test(char)
    ? `control character U+${char.codePointAt(0)!.toString(16).padStart(4, "0")}`
    : JSON.stringify(char);
}

// One scalar value (string, number, literal) at `at`: the offset after it, or a problem.
function scalar(text: string, at: number): number | Found {
  const char = text[at];
  if (char === '"') {
    STRING.lastIndex = at;
    if (STRING.test(text)) return STRING.lastIndex;
    let i = at + 1;
    while (i < text.length && text[i] !== '"' && text.charCodeAt(i) >= 0x20)
      i += text[i] === "\\" ? 2 : 1;
    return {
      offset: Math.min(i, text.length),
      problem: i >= text.length ? "unterminated string" : "invalid character or escape in string",
    };
  }
  NUMBER.lastIndex = at;
  if (char !== undefined && /[-0-9]/.test(char) && NUMBER.test(text)) return NUMBER.lastIndex;
  const literal = LITERALS.find((word) => text.startsWith(word, at));
  if (literal !== undefined) return at + literal.length;
  return { offset: at, problem: `expected a value but found ${describeChar(text, at)}` };
}

/** The first syntax error in JSON text, or null when it parses. Iterative, so deep nesting cannot overflow the stack. */
export function findJsonError(text: string): Found | null {
  const stack: string[] = [];
  let i = skipSpace(text, 0);
  let expectValue = true;
  for (;;) {
    if (expectValue) {
      const char = text[i];
      if (char === "{" || char === "[") {
        stack.push(char);
        i = skipSpace(text, i + 1);
        if (text[i] === (char === "{" ? "}" : "]")) {
          stack.pop();
          i++;
          expectValue = false;
          i = skipSpace(text, i);
          continue;
        }
        if (char === "{") {
          const key = objectKey(text, i);
          if (typeof key !== "number") return key;
          i = key;
        }
        continue;
      }
      const end = scalar(text, i);
      if (typeof end !== "number") return end;
      i = skipSpace(text, end);
      expectValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined)
      return i >= text.length
        ? null
        : {
            offset: i,
            problem: `unexpected ${describeChar(text, i)} after the end of the document`,
          };
    const close = top === "{" ? "}" : "]";
    if (text[i] === close) {
      stack.pop();
      i = skipSpace(text, i + 1);
      continue;
    }
    if (text[i] !== ",")
      return {
        offset: i,
        problem: `expected "," or "${close}" but found ${describeChar(text, i)}`,
      };
    i = skipSpace(text, i + 1);
    if (top === "{") {
      const key = objectKey(text, i);
      if (typeof key !== "number") return key;
      i = key;
    }
    expectValue = true;
  }
}

// A key and its colon at `at`: the offset of the value that follows, or a problem.
function objectKey(text: string, at: number): number | Found {
  if (text[at] !== '"')
    return {
      offset: at,
      problem: `expected a key in double quotes but found ${describeChar(text, at)}`,
    };
  const end = scalar(text, at);
  if (typeof end !== "number") return end;
  const colon = skipSpace(text, end);
  if (text[colon] !== ":")
    return {
      offset: colon,
      problem: `expected ":" after the key but found ${describeChar(text, colon)}`,
    };
  return skipSpace(text, colon + 1);
}

/** 1-based line and column (in characters) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
