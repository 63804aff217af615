// The machine view of a plan: the Plan object exactly, as schema/plan.schema.json describes it.
import type { Plan } from "../plan/types.js";

/** Renders a plan as pretty-printed JSON; ends with a newline. */
export function renderJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
