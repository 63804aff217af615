// Grows the filesystem inside an image to fill it: offline for ext2/3/4, through a private loop mount for xfs and btrfs.
import { mkdtemp, rmdir } from "node:fs/promises";
import { VolplanError } from "../errors.js";
import { formatBytes } from "../units/size.js";
import type { GrowFilesystemAction } from "../plan/types.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNotInUse, assertUnchanged } from "./grow.js";
import { growMountPrefix, reclaimStaleGrowMounts } from "./loop-devices.js";
import { checkParentChain, descriptorPath, openRegularForRead } from "./safe-fs.js";

// Why the descriptor: e2fsck and resize2fs get /proc/<pid>/fd/<n> of the inode volplan opened
// (O_NOFOLLOW, checked to be a regular file with one name and the planned size), so swapping the
// image's name for a symlink or another file between the checks and exec cannot redirect them.
async function growExt(action: GrowFilesystemAction, ctx: ApplyContext): Promise<void> {
  const handle = await openRegularForRead(action.path);
  try {
    const info = await handle.stat();
    if (info.size !== action.to) {
      throw new VolplanError(
        "STALE_PLAN",
        `volume ${action.volume}: ${action.path} is ${formatBytes(info.size)} now but the plan grows its filesystem to ${formatBytes(action.to)}; run volplan plan again.`,
      );
    }
    const image = descriptorPath(handle);
    // e2fsck -p exit codes: 0 clean, 1 errors fixed; 2 and up mean reboot, unfixed errors or failure.
    await ctx.runner("e2fsck", ["-f", "-p", image], {
      timeoutMs: TIMEOUTS.fsck,
      okExitCodes: [0, 1],
    });
    await ctx.hook("grow:after-fsck", action.volume);
    await ctx.runner("resize2fs", [image], { timeoutMs: TIMEOUTS.resize });
    await ctx.hook("grow:after-resize", action.volume);
  } finally {
    await handle.close();
  }
}

async function growMounted(
  action: GrowFilesystemAction,
  mountPoint: string,
  ctx: ApplyContext,
): Promise<void> {
  if (action.fsType === "xfs") {
    await ctx.runner("xfs_growfs", [mountPoint], { timeoutMs: TIMEOUTS.resize });
  } else {
    await ctx.runner("btrfs", ["filesystem", "resize", "max", mountPoint], {
      timeoutMs: TIMEOUTS.resize,
    });
  }
  await ctx.hook("grow:after-resize", action.volume);
}

// Why "-o loop" rather than losetup then mount: mount attaches the image and mounts it in one
// step and sets LO_FLAGS_AUTOCLEAR, so the unmount (ours, or a later run's reclaim of a killed
// run's mount) also detaches the loop device; no kill point leaves an unused device attached.
async function growThroughLoop(action: GrowFilesystemAction, ctx: ApplyContext): Promise<void> {
  // The pid in the name lets a later run reclaim this mount if this process is killed.
  const mountPoint = await mkdtemp(growMountPrefix());
  try {
    // nouuid: an xfs image cloned from a mounted one shares its UUID and would not mount otherwise.
    const options = [
      "loop",
      "nodev",
      "nosuid",
      "noexec",
      ...(action.fsType === "xfs" ? ["nouuid"] : []),
    ];
    await ctx.runner(
      "mount",
      ["-t", action.fsType, "-o", options.join(","), action.path, mountPoint],
      { timeoutMs: TIMEOUTS.mount },
    );
    try {
      await ctx.hook("grow:after-mount", action.volume);
      await growMounted(action, mountPoint, ctx);
    } finally {
      await ctx.runner("umount", [mountPoint], { timeoutMs: TIMEOUTS.mount });
    }
  } finally {
    await rmdir(mountPoint).catch(() => undefined);
  }
}

/** Grows the filesystem in action.path to the image size; also repairs an image grown earlier whose filesystem was not. */
export async function applyGrowFilesystem(
  action: GrowFilesystemAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  await checkParentChain(action.path);
  const reclaimed = await reclaimStaleGrowMounts(action.path, ctx);
  await assertNotInUse({ file: action.path, subject: action.volume, ctx });
  await assertUnchanged({ file: action.path, subject: action.volume, expected: action.to });
  const outcome =
    reclaimed.length === 0
      ? {}
      : { note: `reclaimed a killed run's grow mount: ${reclaimed.join(", ")}` };
  switch (action.method) {
    case "resize2fs":
      if (!["ext2", "ext3", "ext4"].includes(action.fsType)) {
        throw new VolplanError(
          "INVALID_PLAN",
          `volume ${action.volume}: resize2fs cannot grow ${action.fsType}.`,
        );
      }
      await growExt(action, ctx);
      return outcome;
    case "loop-mount":
      if (action.fsType !== "xfs" && action.fsType !== "btrfs") {
        throw new VolplanError(
          "INVALID_PLAN",
          `volume ${action.volume}: loop-mount growth is for xfs and btrfs, not ${action.fsType}.`,
        );
      }
      await growThroughLoop(action, ctx);
      return outcome;
  }
}
