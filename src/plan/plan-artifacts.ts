// Plans the artifact cache: which artifacts to fetch, which are already good, which are refused.
import type { DesiredArtifact } from "../manifest/desired.js";
import type { Snapshot } from "./snapshot.js";
import type { Action } from "./types.js";

/** Actions for every declared artifact, in the order given (the caller sorts). */
export function planArtifacts(input: {
  readonly artifacts: readonly DesiredArtifact[];
  readonly observed: Snapshot["artifacts"];
}): Action[] {
  // Placeholder until the artifact cache lands: artifacts are not planned yet.
  void input;
  return [];
}
