// How much sparse images could still allocate as their guests write: the overcommit measure.
import type { DesiredVolume } from "../manifest/desired.js";
import type { Snapshot } from "./snapshot.js";
import type { Action } from "./types.js";

/** Bytes an action adds to what sparse images could still allocate (0 for actions that add none). */
export function sparseGrowthOf(action: Action, snapshot: Snapshot): number {
  switch (action.kind) {
    case "create":
      return action.allocation === "sparse" ? Math.max(0, action.size - action.consumes.bytes) : 0;
    case "seed":
      // A thin overlay holds none of its base: the guest may write its whole virtual size into it.
      if (action.mode === "backing") return Math.max(0, action.size - action.consumes.bytes);
      return Math.max(0, action.size - (snapshot.seeds[action.from]?.allocated ?? 0));
    case "grow-image":
      return action.allocation === "sparse" ? action.to - action.from : 0;
    case "allocate":
      // Filling the holes takes back what existingSparse counted for this image.
      return -action.consumes.bytes;
    case "grow-filesystem":
    case "repair-filesystem":
    case "set-ownership":
    case "remove-temp":
    case "no-change":
    case "refuse":
    case "artifact-fetch":
    case "artifact-ok":
    case "artifact-refuse":
      return 0;
  }
}

/** Per filesystem, what existing image files of the planned volumes could still allocate. */
export function existingSparse(
  volumes: readonly DesiredVolume[],
  snapshot: Snapshot,
): Map<string, number> {
  const byFs = new Map<string, number>();
  for (const volume of volumes) {
    const observed = snapshot.volumes[volume.id];
    if (observed?.entry.type !== "file") continue;
    const id = observed.filesystem ?? "";
    const unallocated = Math.max(0, observed.entry.size - observed.entry.allocated);
    byFs.set(id, (byFs.get(id) ?? 0) + unallocated);
  }
  return byFs;
}

/** Per filesystem, existing plus planned sparse growth. */
export function sparseDeclared(input: {
  volumes: readonly DesiredVolume[];
  snapshot: Snapshot;
  actions: readonly Action[];
}): Map<string, number> {
  const byFs = existingSparse(input.volumes, input.snapshot);
  for (const action of input.actions) {
    const growth = sparseGrowthOf(action, input.snapshot);
    if (growth === 0) continue;
    const id = action.consumes.filesystem;
    byFs.set(id, (byFs.get(id) ?? 0) + growth);
  }
  return byFs;
}
