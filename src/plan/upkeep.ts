// Keeping an existing image as declared beyond its size: repairing an ext filesystem a killed run
// left half-resized (or whose superblock records errors), and re-allocating a preallocated image's holes.
import { chooseAllocation } from "./allocation.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { hostFilesystem, volumeBase } from "./context.js";
import { holdersText } from "./refuse-content.js";
import type { ObservedEntry } from "./snapshot.js";
import type { Action, PlanWarning } from "./types.js";
import { formatBytes } from "../units/size.js";

type FileEntry = Extract<ObservedEntry, { type: "file" }>;

const MIB = 1024 * 1024;

// Host filesystems whose st_blocks shows what fallocate reserved, at once and uncompressed. Elsewhere
// (ZFS, network filesystems) allocated bytes say nothing about a preallocation, so none is checked.
const ALLOCATION_VISIBLE = new Set(["ext2", "ext3", "ext4", "xfs", "btrfs", "tmpfs"]);

/** Whether allocated bytes of images on a host filesystem of `type` (mountinfo) reflect their preallocation. */
export function allocationVisible(type: string | undefined): boolean {
  return type !== undefined && ALLOCATION_VISIBLE.has(type);
}

/** Whether a file declared preallocated or zero-filled has holes (beyond 1 MiB of rounding). */
export function hasHoles(file: { size: number; allocated: number }): boolean {
  return file.allocated + MIB < file.size;
}

// The repair-filesystem action: e2fsck -f -y after volplan's own killed resize (its intent record
// says so), e2fsck -f -p (only the always-safe repairs) for errors the superblock records otherwise.
function repairAction(ctx: VolumeContext, file: FileEntry): Action | null {
  const fs = file.filesystem;
  if (fs === null || (fs.type !== "ext2" && fs.type !== "ext3" && fs.type !== "ext4")) return null;
  const interrupted = file.interrupted === true;
  if (!interrupted && fs.ext?.errors !== true) return null;
  const path = ctx.volume.path;
  return {
    kind: "repair-filesystem",
    ...volumeBase(ctx),
    reason: interrupted
      ? `a volplan run was killed while it checked or resized the ${fs.type} filesystem in ${path}: check and repair it (e2fsck -f -y) before anything else`
      : `the superblock of the ${fs.type} filesystem in ${path} records errors: check it (e2fsck -f -p) before anything else`,
    fs_type: fs.type,
    cause: interrupted ? "interrupted" : "errors",
    mode: interrupted ? "yes" : "preen",
  };
}

// The allocate action for a preallocated or zero-filled image with holes.
function allocateAction(ctx: VolumeContext, file: FileEntry): Action | null {
  const allocation = chooseAllocation(ctx).allocation;
  const visible = allocationVisible(hostFilesystem(ctx)?.type);
  if (allocation === "sparse" || !visible || !hasHoles(file)) return null;
  return {
    kind: "allocate",
    ...volumeBase(ctx),
    consumes: { filesystem: ctx.filesystem, bytes: file.size - file.allocated },
    reason: `${ctx.volume.path} is declared ${allocation === "zero" ? "zero-filled" : "preallocated"} but only ${formatBytes(file.allocated)} of its ${formatBytes(file.size)} are allocated (something punched holes into it): allocate them again`,
    size: file.size,
    allocated: file.allocated,
    allocation,
  };
}

// While the image is in use these wait; a warning says so (the kill's repair is a growth-like write, refused by the caller).
function inUseWarning(ctx: VolumeContext, file: FileEntry, action: Action): PlanWarning {
  const who = holdersText(file.holders);
  return action.kind === "allocate"
    ? {
        code: "allocation-drift",
        subject: ctx.volume.id,
        message: `volume ${ctx.volume.id}: ${action.reason.replace(/: allocate them again$/, "")}; it is in use by ${who}, so volplan allocates them when it is not (for example before the VM starts).`,
      }
    : {
        code: "filesystem-errors",
        subject: ctx.volume.id,
        message: `volume ${ctx.volume.id}: the filesystem in ${ctx.volume.path} records errors; it is in use by ${who}, so volplan leaves it to the guest's fsck, or checks it when it is not in use.`,
      };
}

/** Repair and allocate actions for an existing image; while it is in use, warnings instead (an interrupted resize is left to the caller's in-use refusal). */
export function planUpkeep(ctx: VolumeContext, file: FileEntry): VolumeResult {
  const wanted = [repairAction(ctx, file), allocateAction(ctx, file)].filter(
    (action): action is Action => action !== null,
  );
  if (file.holders.length === 0) return { actions: wanted, warnings: [] };
  const waiting = wanted.filter((a) => a.kind === "allocate" || file.interrupted !== true);
  return {
    actions: wanted.filter((a) => !waiting.includes(a)),
    warnings: waiting.map((a) => inUseWarning(ctx, file, a)),
  };
}
