// Observes the artifact cache and store paths for the artifacts a manifest declares.
import type { DesiredState } from "../manifest/desired.js";
import type { Snapshot } from "../plan/snapshot.js";

/** The cache state of every declared artifact, keyed by name. */
export function observeArtifacts(desired: DesiredState): Promise<Snapshot["artifacts"]> {
  // Placeholder until the artifact cache lands.
  void desired;
  return Promise.resolve({});
}
