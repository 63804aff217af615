// Planning one declared volume: path safety and ownership first, then by kind.
import type { DesiredVolume } from "../manifest/desired.js";
import { VolplanError } from "../errors.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { only } from "./context.js";
import { resolveOwnership } from "./ownership.js";
import { planBlockDevice } from "./block-device.js";
import { planImage } from "./image.js";
import { refusePathProblem, refuseUnknownOwner } from "./refuse-location.js";
import type { Snapshot } from "./snapshot.js";

/** The context for one volume; a volume observe did not report is a bug, not user input. */
export function volumeContext(volume: DesiredVolume, snapshot: Snapshot): VolumeContext {
  const observed = snapshot.volumes[volume.id];
  if (observed === undefined) {
    throw new VolplanError(
      "SNAPSHOT_INCOMPLETE",
      `the snapshot has no observation of volume ${volume.id}`,
    );
  }
  return { volume, observed, snapshot, filesystem: observed.filesystem ?? "" };
}

/** Actions and warnings for one volume; its refusals never affect other volumes. */
export function planVolume(ctx: VolumeContext): VolumeResult {
  const problem = ctx.observed.pathProblem;
  // A device's missing parent (/dev/zvol/POOL) means a missing device: planBlockDevice says so.
  if (ctx.volume.kind === "block-device" && (problem === null || problem.code === "parent-missing"))
    return planBlockDevice(ctx);
  if (problem !== null) return only(refusePathProblem(ctx, problem));
  const resolved = resolveOwnership(ctx.volume, ctx.snapshot);
  if (!resolved.ok) return only(refuseUnknownOwner(ctx, resolved.what, resolved.name));
  return planImage(ctx, resolved.ownership);
}
