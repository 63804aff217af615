// Deterministic order of actions, warnings and filesystems, so plans diff cleanly.
import type { Action, PlanWarning } from "./types.js";

/** The volume id or artifact name an action is about. */
export function subjectOf(action: Action): string {
  switch (action.kind) {
    case "create":
    case "seed":
    case "grow-image":
    case "grow-filesystem":
    case "set-ownership":
    case "remove-temp":
    case "no-change":
    case "refuse":
      return action.volume;
    case "artifact-fetch":
    case "artifact-ok":
    case "artifact-refuse":
      return action.artifact;
  }
}

// Step order within one subject: reclaim first, then create, grow, fix, report.
function stepOf(action: Action): number {
  switch (action.kind) {
    case "remove-temp":
      return 0;
    case "create":
    case "artifact-fetch":
      return 1;
    case "seed":
      return 2;
    case "grow-image":
      return 3;
    case "grow-filesystem":
      return 4;
    case "set-ownership":
      return 5;
    case "no-change":
    case "artifact-ok":
      return 6;
    case "refuse":
    case "artifact-refuse":
      return 7;
  }
}

function isArtifact(action: Action): boolean {
  return (
    action.kind === "artifact-fetch" ||
    action.kind === "artifact-ok" ||
    action.kind === "artifact-refuse"
  );
}

/** Code-point comparison (not locale), so the order is the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Volume actions, then artifact actions; each by subject, then step, then path. */
export function sortActions(actions: readonly Action[]): Action[] {
  return [...actions].sort(
    (a, b) =>
      Number(isArtifact(a)) - Number(isArtifact(b)) ||
      compareText(subjectOf(a), subjectOf(b)) ||
      stepOf(a) - stepOf(b) ||
      compareText(a.path, b.path),
  );
}

/** Warnings by subject, then code, then message. */
export function sortWarnings(warnings: readonly PlanWarning[]): PlanWarning[] {
  return [...warnings].sort(
    (a, b) =>
      compareText(a.subject, b.subject) ||
      compareText(a.code, b.code) ||
      compareText(a.message, b.message),
  );
}
