// Grows the filesystem inside an image to fill it: offline for ext2/3/4, through a private mount of a loop device for xfs and btrfs.
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { deviceId } from "../host/device-id.js";
import { VolplanError } from "../errors.js";
import { formatBytes } from "../units/size.js";
import type { GrowFilesystemAction } from "../plan/types.js";
import { TIMEOUTS } from "./context.js";
import type { ApplyContext, StepOutcome } from "./context.js";
import { assertNotInUse, assertUnchanged } from "./grow.js";
import { makeGrowMountPoint, recordGrowTarget, removeGrowMountPoint } from "./grow-mounts.js";
import { clearIntent, recordIntent } from "./intents.js";
import { refillHoles } from "./refill.js";
import {
  checkParentChain,
  descriptorPath,
  openRegularForRead,
  openRegularForWrite,
} from "./safe-fs.js";

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
    // Why an intent record first: a kill inside resize2fs can leave the new block count with
    // half-written group descriptors ("clean with errors", e2fsck -fn exit 4) that the next run
    // would otherwise take for a grown filesystem. While the record is there, the next run
    // repairs the filesystem (e2fsck -f -y) before anything else touches it.
    const target = { device: deviceId(info.dev), ino: info.ino };
    await recordIntent(ctx.intents, { step: "resize2fs", path: action.path, ...target });
    // e2fsck -p exit codes: 0 clean, 1 errors fixed; 2 and up mean reboot, unfixed errors or failure.
    await ctx.runner("e2fsck", ["-f", "-p", image], {
      timeoutMs: TIMEOUTS.fsck,
      okExitCodes: [0, 1],
    });
    await ctx.hook("grow:after-fsck", action.volume);
    await ctx.runner("resize2fs", [image], { timeoutMs: TIMEOUTS.resize });
    await ctx.hook("grow:after-resize", action.volume);
    await clearIntent(ctx.intents, target);
    if ((action.allocation ?? "sparse") !== "sparse") await refillWritable(action, ctx);
  } finally {
    await handle.close();
  }
}

async function growMounted(
  action: GrowFilesystemAction,
  mountPoint: string,
  ctx: ApplyContext,
): Promise<void> {
  if (action.fs_type === "xfs") {
    await ctx.runner("xfs_growfs", [mountPoint], { timeoutMs: TIMEOUTS.resize });
  } else {
    await ctx.runner("btrfs", ["filesystem", "resize", "max", mountPoint], {
      timeoutMs: TIMEOUTS.resize,
    });
  }
  await ctx.hook("grow:after-resize", action.volume);
}

// Why losetup on the descriptor and a check afterwards: losetup (like mount -o loop) resolves the
// path it is given to a name and opens that name, so whoever can write the image's directory
// could swap it in between. The kernel's record of the backing inode says what was attached;
// nothing is mounted unless it is the inode volplan checked.
async function attachLoop(input: {
  handle: FileHandle;
  action: GrowFilesystemAction;
  ctx: ApplyContext;
}): Promise<string> {
  const { handle, action, ctx } = input;
  const own = await handle.stat({ bigint: true });
  const attached = await ctx.runner("losetup", ["--find", "--show", descriptorPath(handle)], {
    timeoutMs: TIMEOUTS.quick,
  });
  const device = attached.stdout.trim();
  const backing = await loopBacking(device, ctx);
  if (backing !== `${deviceId(own.dev)}:${own.ino}`) {
    await detachLoop(device, ctx);
    throw new VolplanError(
      "PATH_SWAPPED",
      `volume ${action.volume}: ${action.path} was replaced while volplan attached it to a loop device; nothing was mounted. Check who else writes to ${path.dirname(action.path)}, then run volplan apply again.`,
    );
  }
  return device;
}

/** The backing file of a loop device as the kernel recorded it: "major:minor:inode". */
export async function loopBacking(device: string, ctx: ApplyContext): Promise<string> {
  const listed = await ctx.runner(
    "losetup",
    ["--list", "--noheadings", "--raw", "--output", "BACK-MAJ:MIN,BACK-INO", device],
    { timeoutMs: TIMEOUTS.quick },
  );
  const [majMin = "", ino = ""] = listed.stdout.replaceAll("\\x20", " ").trim().split(/\s+/);
  return `${majMin}:${ino}`;
}

async function detachLoop(device: string, ctx: ApplyContext): Promise<void> {
  await ctx.runner("losetup", ["--detach", device], { timeoutMs: TIMEOUTS.quick });
}

// The mount point records the image it is for before anything is attached, so a run killed at
// any step leaves what the next run needs to unmount and detach (see grow-mounts.ts).
async function growThroughLoop(action: GrowFilesystemAction, ctx: ApplyContext): Promise<void> {
  const handle = await openRegularForRead(action.path);
  const mountPoint = await makeGrowMountPoint(ctx.growMounts);
  try {
    const own = await handle.stat({ bigint: true });
    await recordGrowTarget(mountPoint, `${deviceId(own.dev)}:${own.ino}`);
    const device = await attachLoop({ handle, action, ctx });
    try {
      await ctx.hook("grow:after-attach", action.volume);
      // nouuid: an xfs image cloned from a mounted one shares its UUID and would not mount otherwise.
      const options = [
        "nodev",
        "nosuid",
        "noexec",
        ...(action.fs_type === "xfs" ? ["nouuid"] : []),
      ];
      await ctx.runner(
        "mount",
        ["-t", action.fs_type, "-o", options.join(","), device, mountPoint],
        {
          timeoutMs: TIMEOUTS.mount,
        },
      );
      try {
        await ctx.hook("grow:after-mount", action.volume);
        await growMounted(action, mountPoint, ctx);
      } finally {
        await ctx.runner("umount", [mountPoint], { timeoutMs: TIMEOUTS.mount });
      }
    } finally {
      await detachLoop(device, ctx);
    }
  } finally {
    await handle.close();
    await removeGrowMountPoint(mountPoint);
  }
}

// Holes the grow punched into a preallocated image are allocated again (through a descriptor of
// its own: growth opened the image read-only).
async function refillWritable(action: GrowFilesystemAction, ctx: ApplyContext): Promise<void> {
  const handle = await openRegularForWrite(action.path);
  try {
    await refillHoles({ handle, size: action.to, ctx });
  } finally {
    await handle.close();
  }
}

/** Grows the filesystem in action.path to the image size; also repairs an image grown earlier whose filesystem was not. */
export async function applyGrowFilesystem(
  action: GrowFilesystemAction,
  ctx: ApplyContext,
): Promise<StepOutcome> {
  await checkParentChain(action.path);
  await assertNotInUse({ file: action.path, subject: action.volume, ctx });
  await assertUnchanged({ file: action.path, subject: action.volume, expected: action.to });
  switch (action.method) {
    case "resize2fs":
      if (!["ext2", "ext3", "ext4"].includes(action.fs_type)) {
        throw new VolplanError(
          "INVALID_PLAN",
          `volume ${action.volume}: resize2fs cannot grow ${action.fs_type}.`,
        );
      }
      await growExt(action, ctx);
      return {};
    case "loop-mount":
      if (action.fs_type !== "xfs" && action.fs_type !== "btrfs") {
        throw new VolplanError(
          "INVALID_PLAN",
          `volume ${action.volume}: loop-mount growth is for xfs and btrfs, not ${action.fs_type}.`,
        );
      }
      await growThroughLoop(action, ctx);
      if ((action.allocation ?? "sparse") !== "sparse") await refillWritable(action, ctx);
      return {};
  }
}
