// Growing an existing image and the filesystem inside it.
import type { DetectedFsType } from "../manifest/desired.js";
import { autoGrower } from "../manifest/normalize.js";
import { chooseAllocation } from "./allocation.js";
import { growFilesystemBytes, growImageBytes } from "./consumption.js";
import type { VolumeContext, VolumeResult } from "./context.js";
import { volumeBase } from "./context.js";
import { formatBytes } from "../units/size.js";
import { refuseBeyondGrowthLimit } from "./growth-limit.js";
import { refuseFilesystemBeyondImage } from "./refuse-content.js";
import type { FoundFilesystem } from "./snapshot.js";
import type { GrowFilesystemAction, PlanWarning } from "./types.js";

const KIB = 1024;
const MIB = 1024 * KIB;

// How much smaller than its image a filesystem that fills it may be. mkfs and resize2fs leave a
// tail they cannot use; measured (mkfs-args.ts flags, image size − block count × block size):
//   1 GiB + 3 KiB: ext2/ext4/xfs/btrfs 3 KiB; 100 MiB + 512 B and 300 MiB + 4.5 KiB: 512 B;
//   1 GiB + 64.5 KiB: xfs/btrfs 512 B but ext2/ext4 64.5 KiB, because mke2fs drops a last
//   block group smaller than its own overhead (3 + inode-table + reserved-GDT blocks + 50),
//   which reaches ~6 MiB at 4 KiB blocks and more with a denser inode ratio.
// xfs drops a last allocation group under 64 blocks (256 KiB); swap rounds to pages (≤ 64 KiB);
// FAT rounds to clusters (≤ 64 KiB). A tolerance below what the tools leave would plan a
// grow-filesystem that can never take effect.
const TAIL_TOLERANCE: Readonly<Record<DetectedFsType, number>> = {
  ext2: 16 * MIB,
  ext3: 16 * MIB,
  ext4: 16 * MIB,
  xfs: MIB,
  btrfs: MIB,
  vfat: MIB,
  swap: 64 * KIB,
};

/** Whether a filesystem spans its image, up to the tail the tools leave unused. */
export function fillsImage(found: FoundFilesystem, imageSize: number): boolean {
  return found.size + TAIL_TOLERANCE[found.type] >= imageSize;
}

type GrowableType = GrowFilesystemAction["fs_type"];

function growable(type: DetectedFsType): type is GrowableType {
  return type !== "vfat" && type !== "swap";
}

/**
 * Who grows the filesystem actually found: nobody for raw images, FAT and swap. Why the found
 * type and not only the declared one: a volume declared raw ("none", so growFilesystem "auto"
 * resolved to nobody) may hold a seed's filesystem; "auto" then means what it means for that type.
 */
export function effectiveGrower(
  ctx: VolumeContext,
  found: FoundFilesystem | null,
): "host" | "guest" | "none" {
  if (found === null || !growable(found.type)) return "none";
  const { growFilesystem, format } = ctx.volume;
  if (format.type === "none" && growFilesystem === "none") return autoGrower(found.type);
  return growFilesystem;
}

function growFilesystemAction(
  ctx: VolumeContext,
  input: { found: FoundFilesystem; to: number; reason: string },
): GrowFilesystemAction {
  const fsType = input.found.type as GrowableType;
  const allocation = chooseAllocation(ctx).allocation;
  return {
    kind: "grow-filesystem",
    ...volumeBase(ctx),
    consumes: {
      filesystem: ctx.filesystem,
      bytes: growFilesystemBytes({ fsType, from: input.found.size, to: input.to }),
    },
    reason: input.reason,
    fs_type: fsType,
    from: input.found.size,
    to: input.to,
    // Why: ext2/3/4 grow offline; xfs and btrfs grow only while mounted (privately, on a loop device).
    method: fsType === "xfs" || fsType === "btrfs" ? "loop-mount" : "resize2fs",
    ...(allocation === "sparse" ? {} : { allocation }),
  };
}

// What the guest does to use the whole image when volplan does not grow what is in it. The
// "host" advice names an edit that validates: a raw volume without a seed declares its type too.
function guestAdvice(ctx: VolumeContext, found: FoundFilesystem): string {
  const host =
    ctx.volume.format.type === "none" && ctx.volume.seed === null
      ? `declare format.type = "${found.type}" with growFilesystem = "host"`
      : 'set growFilesystem = "host"';
  switch (found.type) {
    case "swap":
      return "volplan cannot grow a swap area; recreate it in the guest to use the whole image (swapoff, then mkswap keeping its label and UUID with -L and -U, then swapon)";
    case "vfat":
      return "volplan cannot grow FAT; grow it in the guest (for example with fatresize), or leave the rest of the image unused";
    case "ext2":
    case "ext3":
    case "ext4":
    case "xfs":
    case "btrfs":
      return `make sure the guest grows it at boot (for example x-systemd.growfs), or ${host} for volplan to grow it`;
  }
}

/** The warning for a filesystem the host does not grow: left to the guest, or one volplan cannot grow. */
function guestWarning(ctx: VolumeContext, found: FoundFilesystem, what: string): PlanWarning {
  const advice = guestAdvice(ctx, found);
  const fix = advice.charAt(0).toUpperCase() + advice.slice(1);
  return {
    code: what === "grows" ? "growth-by-guest" : "filesystem-smaller-than-image",
    subject: ctx.volume.id,
    message:
      what === "grows"
        ? `volume ${ctx.volume.id}: ${ctx.volume.path} grows to ${formatBytes(ctx.volume.size)}, but its ${found.type} filesystem (${formatBytes(found.size)}) is not grown by the host. ${fix}.`
        : `volume ${ctx.volume.id}: the ${found.type} filesystem in ${ctx.volume.path} spans ${formatBytes(found.size)} of the image's ${formatBytes(ctx.volume.size)}. ${fix}.`,
  };
}

/** Growth actions for an existing image of `size` bytes (not larger than declared). */
export function planGrowth(
  ctx: VolumeContext,
  input: { size: number; found: FoundFilesystem | null },
): VolumeResult {
  const declared = ctx.volume.size;
  if (input.found !== null && input.found.size > input.size && input.size < declared)
    return {
      actions: [refuseFilesystemBeyondImage(ctx, { found: input.found, size: input.size })],
      warnings: [],
    };
  const grower = effectiveGrower(ctx, input.found);
  const grows =
    input.size < declared || (input.found !== null && !fillsImage(input.found, input.size));
  if (input.found !== null && grower === "host" && grows) {
    const to = Math.max(declared, input.size);
    const limit = refuseBeyondGrowthLimit(ctx, { found: input.found, to, what: "image" });
    if (limit !== null) return { actions: [limit], warnings: [] };
  }
  if (input.size < declared) {
    const choice = chooseAllocation(ctx);
    const result: VolumeResult = {
      actions: [],
      warnings: choice.warning === null ? [] : [choice.warning],
    };
    result.actions.push({
      kind: "grow-image",
      ...volumeBase(ctx),
      consumes: {
        filesystem: ctx.filesystem,
        bytes: growImageBytes({ allocation: choice.allocation, from: input.size, to: declared }),
      },
      reason: `${ctx.volume.path} is ${formatBytes(input.size)} but the manifest declares ${formatBytes(declared)}: grow the image`,
      from: input.size,
      to: declared,
      allocation: choice.allocation,
      filesystem_grown_by: grower,
    });
    if (input.found !== null && grower === "host") {
      const reason = `the ${input.found.type} filesystem in ${ctx.volume.path} must fill the grown image`;
      result.actions.push(growFilesystemAction(ctx, { found: input.found, to: declared, reason }));
    }
    if (input.found !== null && grower !== "host" && !fillsImage(input.found, declared))
      result.warnings.push(guestWarning(ctx, input.found, "grows"));
    return result;
  }
  if (input.found === null || fillsImage(input.found, input.size))
    return { actions: [], warnings: [] };
  if (grower === "host") {
    const reason = `${ctx.volume.path} was already grown to ${formatBytes(input.size)} but its ${input.found.type} filesystem was not (${formatBytes(input.found.size)})`;
    return {
      actions: [growFilesystemAction(ctx, { found: input.found, to: input.size, reason })],
      warnings: [],
    };
  }
  return { actions: [], warnings: [guestWarning(ctx, input.found, "smaller")] };
}

/**
 * After a seed copy is grown to the declared size: grow the seed's filesystem too (host), or warn
 * (guest, or a filesystem volplan cannot grow); a refusal when resize2fs could not grow it that far.
 */
export function planSeedGrowth(ctx: VolumeContext, found: FoundFilesystem | null): VolumeResult {
  const declared = ctx.volume.size;
  if (found === null || fillsImage(found, declared)) return { actions: [], warnings: [] };
  const grower = effectiveGrower(ctx, found);
  if (grower !== "host") return { actions: [], warnings: [guestWarning(ctx, found, "grows")] };
  const limit = refuseBeyondGrowthLimit(ctx, { found, to: declared, what: "seed" });
  if (limit !== null) return { actions: [limit], warnings: [] };
  const reason = `the ${found.type} filesystem copied from the seed spans ${formatBytes(found.size)} and must fill the ${formatBytes(declared)} image`;
  return {
    actions: [growFilesystemAction(ctx, { found, to: declared, reason })],
    warnings: [],
  };
}
