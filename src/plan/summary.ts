// Counting a plan's actions the way the plan schema's summary does.
import { subjectOf } from "./sort-actions.js";
import type { Action, PlanSummary } from "./types.js";

/** Counts per summary field; "grow" counts volumes (an image and its filesystem grow as one). */
export function summarize(actions: readonly Action[]): PlanSummary {
  const summary: PlanSummary = {
    create: 0,
    grow: 0,
    change: 0,
    unchanged: 0,
    refused: 0,
    fetch: 0,
  };
  const growing = new Set<string>();
  for (const action of actions) {
    switch (action.kind) {
      case "create":
      case "seed":
        summary.create++;
        break;
      case "grow-image":
      case "grow-filesystem":
        growing.add(subjectOf(action));
        break;
      case "set-ownership":
      case "remove-temp":
      case "allocate":
      case "repair-filesystem":
        summary.change++;
        break;
      case "no-change":
      case "artifact-ok":
        summary.unchanged++;
        break;
      case "refuse":
      case "artifact-refuse":
        summary.refused++;
        break;
      case "artifact-fetch":
        summary.fetch++;
        break;
    }
  }
  summary.grow = growing.size;
  return summary;
}
