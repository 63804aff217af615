// Planning a block-device volume: volplan only checks that it exists, is large enough and holds the declared filesystem.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { checkFilesystem } from "./filesystem-checks.js";
import { formatBytes } from "../units/size.js";
import { refuseDeviceMissing, refuseDeviceTooSmall } from "./refusals-content.js";
import { refuseNotAFile, refuseSymlink } from "./refusals.js";

/** The check result for a block-device volume; it never yields a write. */
export function planBlockDevice(ctx: VolumeContext): VolumeResult {
  const entry = ctx.observed.entry;
  switch (entry.type) {
    case "missing":
      return only(refuseDeviceMissing(ctx));
    case "symlink":
      return only(refuseSymlink(ctx, entry.target));
    case "file":
    case "directory":
    case "other":
      return only(refuseNotAFile(ctx, entry));
    case "block-device": {
      if (entry.size < ctx.volume.size) return only(refuseDeviceTooSmall(ctx, entry.size));
      const conflict = checkFilesystem(ctx, entry.filesystem);
      if (conflict !== null) return only(conflict);
      return only({
        kind: "no-change",
        ...volumeBase(ctx),
        reason: `the block device ${ctx.volume.path} is ${formatBytes(entry.size)}, at least the declared ${formatBytes(ctx.volume.size)}`,
        size: entry.size,
      });
    }
  }
}
