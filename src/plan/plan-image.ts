// Planning an image volume from what sits at its path.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only } from "./context.js";
import { planCreate } from "./plan-create.js";
import { planExistingImage } from "./plan-existing.js";
import { refuseNotAFile, refuseSymlink } from "./refusals.js";
import type { Ownership } from "./types.js";

/** Actions for an image volume whose path is safe and whose owner resolved. */
export function planImage(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const entry = ctx.observed.entry;
  switch (entry.type) {
    case "missing":
      return planCreate(ctx, ownership);
    case "file":
      return planExistingImage(ctx, { file: entry, ownership });
    case "symlink":
      return only(refuseSymlink(ctx, entry.target));
    case "block-device":
    case "directory":
    case "other":
      return only(refuseNotAFile(ctx, entry));
  }
}
