// Whether the filesystem found in an existing image or device is the one declared.
import type { VolumeContext } from "./context.js";
import { refuseLabelDiffers, refuseTypeDiffers, refuseUnformatted } from "./refuse-content.js";
import type { FoundFilesystem } from "./snapshot.js";
import type { RefuseAction } from "./types.js";

/** The refusal for a missing, different or differently labelled filesystem; null when it matches. */
export function checkFilesystem(
  ctx: VolumeContext,
  found: FoundFilesystem | null,
): RefuseAction | null {
  const declared = ctx.volume.format;
  // Why: a raw ("none") volume accepts whatever its guest put there.
  if (declared.type === "none") return null;
  if (found === null) return refuseUnformatted(ctx);
  if (found.type !== declared.type) return refuseTypeDiffers(ctx, found);
  // A null label declares no requirement, so an existing label is kept.
  if (declared.label !== null && found.label !== declared.label) {
    return refuseLabelDiffers(ctx, found, declared.label);
  }
  return null;
}
