// Type guards for walking input that may not match the schema yet.
import { compareCodePoints } from "./issue.js";

/** Whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The entries of a JSON object sorted by key in code-point order; [] for anything else. */
export function sortedEntries(value: unknown): [string, unknown][] {
  if (!isRecord(value)) return [];
  return Object.entries(value).sort(byKey);
}

/** Orders [key, value] pairs by key in code-point order (a sort comparator). */
export function byKey(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  // Indexing, not `([a], [b]) =>`: destructuring runs the iterator protocol, which cold code
  // pays for on every comparison.
  return compareCodePoints(a[0], b[0]);
}

/** The string at `key`, or undefined when absent or not a string. */
export function stringAt(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === "string" ? value : undefined;
}
