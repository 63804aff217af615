// A small JSON scanner: where and why text is malformed (so messages do not depend on the Node
// version), and which objects repeat a key (JSON.parse silently keeps the last one).
import { pointer } from "./issue.js";

/** A syntax error: offset into the text and the problem in words. */
export type JsonSyntaxError = { offset: number; problem: string };

type Frame = { kind: "{" | "["; keys: Set<string> | null; key: string; index: number };

const LITERALS = ["true", "false", "null"];
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// JSON strings may not hold raw control characters.
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

function skipSpace(text: string, at: number): number {
  let i = at;
  for (
    let c = text.charCodeAt(i);
    c === 32 || c === 10 || c === 13 || c === 9;
    c = text.charCodeAt(++i)
  );
  return i;
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return "the end of the text";
  const code = text.codePointAt(at)!;
  if (code < 0x20) return `control character U+${code.toString(16).padStart(4, "0")}`;
  return JSON.stringify(String.fromCodePoint(code));
}

// One scalar value (string, number, literal) at `at`: the offset after it, or a syntax error.
function scalar(text: string, at: number): number | JsonSyntaxError {
  const char = text[at];
  if (char === '"') {
    STRING.lastIndex = at;
    if (STRING.test(text)) return STRING.lastIndex;
    let i = at + 1;
    while (i < text.length && text[i] !== '"' && text.charCodeAt(i) >= 0x20)
      i += text[i] === "\\" ? 2 : 1;
    const problem =
      i >= text.length ? "unterminated string" : "invalid character or escape in string";
    return { offset: Math.min(i, text.length), problem };
  }
  NUMBER.lastIndex = at;
  if (char !== undefined && /[-0-9]/.test(char) && NUMBER.test(text)) return NUMBER.lastIndex;
  const literal = LITERALS.find((word) => text.startsWith(word, at));
  if (literal !== undefined) return at + literal.length;
  return { offset: at, problem: `expected a value but found ${describeChar(text, at)}` };
}

/** What a scan found: the first syntax error (or null) and the pointers of repeated keys. */
export interface JsonScan {
  error: JsonSyntaxError | null;
  duplicates: string[];
}

// Reads a key and its colon into the top frame; returns the offset of the value or a syntax error.
function readKey(
  text: string,
  at: number,
  frame: Frame,
  scan: JsonScan,
  stack: Frame[],
): number | JsonSyntaxError {
  if (text[at] !== '"')
    return {
      offset: at,
      problem: `expected a key in double quotes but found ${describeChar(text, at)}`,
    };
  const end = scalar(text, at);
  if (typeof end !== "number") return end;
  const raw = text.slice(at + 1, end - 1);
  const key = raw.includes("\\") ? (JSON.parse(text.slice(at, end)) as string) : raw;
  if (frame.keys!.has(key))
    scan.duplicates.push(pointer(...stack.slice(1, -1).map((f) => f.key), key));
  frame.keys!.add(key);
  frame.key = key;
  const colon = skipSpace(text, end);
  if (text[colon] !== ":")
    return {
      offset: colon,
      problem: `expected ":" after the key but found ${describeChar(text, colon)}`,
    };
  return skipSpace(text, colon + 1);
}

/** Scans JSON text iteratively (deep nesting cannot overflow the stack). */
export function scanJson(text: string): JsonScan {
  const scan: JsonScan = { error: null, duplicates: [] };
  const root: Frame = { kind: "[", keys: null, key: "", index: 0 };
  const stack: Frame[] = [root];
  const fail = (error: JsonSyntaxError): JsonScan => ({ ...scan, error });
  let i = skipSpace(text, 0);
  let expectValue = true;
  for (;;) {
    const top = stack[stack.length - 1]!;
    if (expectValue) {
      const char = text[i];
      if (char === "{" || char === "[") {
        const frame: Frame = {
          kind: char,
          keys: char === "{" ? new Set() : null,
          key: "0",
          index: 0,
        };
        stack.push(frame);
        i = skipSpace(text, i + 1);
        if (text[i] === (char === "{" ? "}" : "]")) {
          stack.pop();
          i = skipSpace(text, i + 1);
          expectValue = false;
        } else if (char === "{") {
          const next = readKey(text, i, frame, scan, stack);
          if (typeof next !== "number") return fail(next);
          i = next;
        }
        continue;
      }
      const end = scalar(text, i);
      if (typeof end !== "number") return fail(end);
      i = skipSpace(text, end);
      expectValue = false;
      continue;
    }
    if (top === root) {
      if (i >= text.length) return scan;
      return fail({
        offset: i,
        problem: `unexpected ${describeChar(text, i)} after the end of the document`,
      });
    }
    const close = top.kind === "{" ? "}" : "]";
    if (text[i] === close) {
      stack.pop();
      i = skipSpace(text, i + 1);
      continue;
    }
    if (text[i] !== ",")
      return fail({
        offset: i,
        problem: `expected "," or "${close}" but found ${describeChar(text, i)}`,
      });
    i = skipSpace(text, i + 1);
    if (top.kind === "{") {
      const next = readKey(text, i, top, scan, stack);
      if (typeof next !== "number") return fail(next);
      i = next;
    } else {
      top.key = String(++top.index);
    }
    expectValue = true;
  }
}

// A JSON string token (the text already parsed, so every string is closed), for counting keys.
const ANY_STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/g;

// Keys in valid JSON text: every key, and nothing else outside a string, is followed by ":".
function keyCount(json: string): number {
  return json.replace(ANY_STRING, "").split(":").length - 1;
}

/**
 * Whether an object in `text` repeats a key, given the value JSON.parse made of it (which keeps
 * only the last of two equal keys): the text then has more keys than the value serializes to.
 * Two native passes instead of scanning: scanJson runs only to say which keys repeat.
 */
export function repeatsKeys(text: string, parsed: unknown): boolean {
  let serialized: string;
  try {
    serialized = JSON.stringify(parsed);
  } catch {
    return true; // nested too deeply to serialize: let the (iterative) scanner tell
  }
  return keyCount(text) !== keyCount(serialized);
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
