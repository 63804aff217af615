// Short descriptions of input values for messages: what was found.
import { isRecord } from "./guards.js";

/** The value at a path of unescaped pointer segments, or undefined. */
export function valueAt(data: unknown, segments: readonly string[]): unknown {
  let value = data;
  for (const segment of segments) {
    if (Array.isArray(value)) value = value[Number(segment)];
    else if (isRecord(value) && Object.hasOwn(value, segment)) value = value[segment];
    else return undefined;
  }
  return value;
}

/** A value as a message shows it: `"12 parsecs"`, `-5`, `an object`, `a list of 3 items`. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value))
    return value.length === 0 ? "an empty list" : `a list of ${value.length} items`;
  if (isRecord(value)) return "an object";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The JSON type of a value in words: "a string", "a number", "an object", "a list", "null", "true". */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "boolean") return "a boolean";
  return typeof value === "number" ? "a number" : "a string";
}
