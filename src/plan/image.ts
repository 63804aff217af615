// Planning an image volume from what sits at its path.
import type { VolumeContext, VolumeResult } from "./context.js";
import { hostFilesystem, only } from "./context.js";
import { isPseudoFilesystem } from "./file-size-limit.js";
import { planCreate } from "./missing-image.js";
import { planExistingImage } from "./existing-image.js";
import { planQcow2Create } from "./qcow2-image.js";
import { planExistingQcow2 } from "./qcow2-existing.js";
import { refuseNotAFile, refuseSymlink } from "./refuse-location.js";
import { refuseFileTooLarge, refuseUnsupportedFilesystem } from "./refuse-unreachable.js";
import type { Ownership } from "./types.js";

// Targets no apply could reach, refused before anything is written: a path on procfs, sysfs and
// the like, and a size beyond the largest file the host filesystem holds (EFBIG at apply time).
function impossibleTarget(ctx: VolumeContext): VolumeResult | null {
  const type = hostFilesystem(ctx)?.type;
  if (type !== undefined && isPseudoFilesystem(type))
    return only(refuseUnsupportedFilesystem(ctx, type));
  const entry = ctx.observed.entry;
  const writes =
    entry.type === "missing" || (entry.type === "file" && entry.size < ctx.volume.size);
  const tooLarge = writes ? refuseFileTooLarge(ctx, ctx.volume.size) : null;
  return tooLarge === null ? null : only(tooLarge);
}

/** Actions for an image volume whose path is safe and whose owner resolved. */
export function planImage(ctx: VolumeContext, ownership: Ownership): VolumeResult {
  const impossible = impossibleTarget(ctx);
  if (impossible !== null) return impossible;
  const entry = ctx.observed.entry;
  const qcow2 = ctx.volume.imageFormat === "qcow2";
  switch (entry.type) {
    case "missing":
      return qcow2 ? planQcow2Create(ctx, ownership) : planCreate(ctx, ownership);
    case "file":
      return qcow2
        ? planExistingQcow2(ctx, { file: entry, ownership })
        : planExistingImage(ctx, { file: entry, ownership });
    case "symlink":
      return only(refuseSymlink(ctx, entry.target));
    case "block-device":
    case "directory":
    case "other":
      return only(refuseNotAFile(ctx, entry));
  }
}
