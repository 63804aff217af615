// Deterministic order of actions, warnings and filesystems, so plans diff cleanly.
import type { Action, PlanWarning } from "./types.js";

/** The volume id or artifact name an action is about. */
export function subjectOf(action: Action): string {
  switch (action.kind) {
    case "create":
    case "seed":
    case "grow-image":
    case "grow-filesystem":
    case "allocate":
    case "repair-filesystem":
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

// Step order within one subject: reclaim first, then create, repair (before anything writes into
// a filesystem a killed run left half-resized), allocate, grow, fix, report.
function stepOf(action: Action): number {
  switch (action.kind) {
    case "remove-temp":
      return 0;
    case "create":
    case "artifact-fetch":
      return 1;
    case "seed":
      return 2;
    case "repair-filesystem":
      return 3;
    case "allocate":
      return 4;
    case "grow-image":
      return 5;
    case "grow-filesystem":
      return 6;
    case "set-ownership":
      return 7;
    case "no-change":
    case "artifact-ok":
      return 8;
    case "refuse":
    case "artifact-refuse":
      return 9;
  }
}

// An action with its sort keys, computed once instead of on every comparison.
interface Keyed {
  readonly action: Action;
  readonly artifact: number;
  readonly subject: string;
  readonly step: number;
}

function keyed(action: Action): Keyed {
  const artifact =
    action.kind === "artifact-fetch" ||
    action.kind === "artifact-ok" ||
    action.kind === "artifact-refuse"
      ? 1
      : 0;
  return { action, artifact, subject: subjectOf(action), step: stepOf(action) };
}

/** Code-point comparison (not locale), so the order is the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeyed(a: Keyed, b: Keyed): number {
  return (
    a.artifact - b.artifact ||
    compareText(a.subject, b.subject) ||
    a.step - b.step ||
    compareText(a.action.path, b.action.path)
  );
}

// Whether the actions are in order already (the usual case), without building their keys.
function inOrder(actions: readonly Action[]): boolean {
  let previous: Keyed | null = null;
  for (let i = 0; i < actions.length; i++) {
    const current = keyed(actions[i] as Action);
    if (previous !== null && compareKeyed(previous, current) > 0) return false;
    previous = current;
  }
  return true;
}

/** Volume actions, then artifact actions; each by subject, then step, then path. */
export function sortActions(actions: readonly Action[]): Action[] {
  // The sort is stable, so actions already in order come out as they went in.
  if (inOrder(actions)) return actions.slice();
  const keys: Keyed[] = [];
  for (let i = 0; i < actions.length; i++) keys.push(keyed(actions[i] as Action));
  keys.sort(compareKeyed);
  const out: Action[] = [];
  for (let i = 0; i < keys.length; i++) out.push((keys[i] as Keyed).action);
  return out;
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
