// Planning a block-device volume: volplan only checks that it exists, is large enough and holds the declared filesystem.
import type { VolumeContext, VolumeResult } from "./context.js";
import { only, volumeBase } from "./context.js";
import { checkFilesystem } from "./filesystem-checks.js";
import { formatBytes } from "../units/size.js";
import { refuseDeviceMissing, refuseDeviceTooSmall } from "./refuse-content.js";
import { refuseNotAFile, refuseSymlink } from "./refuse-location.js";

/**
 * The check result for a block-device volume; it never yields a write, so it is budgeted on no
 * host filesystem (the device node's devtmpfs has nothing to do with the device's space).
 */
export function planBlockDevice(ctx: VolumeContext): VolumeResult {
  const unbudgeted: VolumeContext = { ...ctx, filesystem: "" };
  // Device links (/dev/zvol/POOL/NAME, /dev/VG/LV) appear with their device: a missing parent
  // there means a missing device, not a directory to create.
  if (ctx.observed.pathProblem?.code === "parent-missing")
    return only(refuseDeviceMissing(unbudgeted));
  return planDevice(unbudgeted);
}

function planDevice(ctx: VolumeContext): VolumeResult {
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
