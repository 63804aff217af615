// The machine view of a plan: the Plan object exactly, as schema/plan.schema.json describes it.
import type { Plan } from "../plan/types.js";

// What JSON.stringify leaves raw but a terminal or viewer acts on (it already escapes U+0000 to
// U+001F): DEL, C1 controls, bidirectional marks and overrides, line and paragraph separators.
const RAW_CONTROL = /[\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g;

/** JSON.stringify(value, null, 2) with those characters as \uXXXX escapes: the same value, safe to print. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    RAW_CONTROL,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Renders a plan as pretty-printed JSON; ends with a newline. */
export function renderJson(plan: Plan): string {
  return `${jsonText(plan)}\n`;
}
