// How far the host's tools can grow a filesystem (resize2fs from an ext superblock's geometry;
// btrfs not below 256 MiB), and the refusal for a declared size they cannot reach (the tool would
// fail after the file had grown, and lowering the size again would be a refused shrink: the
// volume would be stuck).
import type { VolumeContext } from "./context.js";
import { formatBytes } from "../units/size.js";
import { refuse } from "./refuse-location.js";
import type { ExtDetails, FoundFilesystem } from "./snapshot.js";
import { exactSizeText } from "./size-text.js";
import type { RefuseAction } from "./types.js";

/**
 * The largest size in bytes resize2fs grows this filesystem to. Its group descriptors must fit in
 * one block group ("New size results in too many block group descriptors"), whether or not
 * meta_bg is set; without the 64bit feature block numbers also stay below 2^32 ("too large to be
 * expressed in 32 bits"). Measured with e2fsprogs 1.47: ext4 with 1 KiB blocks grows to
 * 131,056 groups (1,073,610,753 blocks) and not one group more; ext2 with 1 KiB blocks to 1 TiB
 * but not 2 TiB; ext2 with 4 KiB blocks to 16 TiB but not 17 TiB.
 */
function extGrowthLimit(ext: ExtDetails): number {
  const perBlock = Math.floor(ext.blockSize / ext.descriptorSize);
  const groups = (ext.blocksPerGroup - ext.firstDataBlock) * perBlock;
  let blocks = groups * ext.blocksPerGroup + ext.firstDataBlock;
  if (!ext.blocks64) blocks = Math.min(blocks, 2 ** 32);
  return Math.min(blocks * ext.blockSize, Number.MAX_SAFE_INTEGER);
}

/**
 * The smallest size the kernel resizes a btrfs filesystem to (its resize ioctl returns EINVAL
 * below 256 MiB, measured: 128 → 255 MiB fails, 128 → 256 MiB grows).
 */
const BTRFS_MIN_RESIZE = 256 * 1024 * 1024;

// A btrfs filesystem grown to less than the kernel resizes it to.
function refuseBtrfsTooSmall(
  ctx: VolumeContext,
  input: { found: FoundFilesystem; to: number; where: string },
): RefuseAction {
  return refuse(ctx, {
    refusal: "growth-limit",
    statement: `${input.where} can only be grown to ${formatBytes(BTRFS_MIN_RESIZE)} or more (the kernel refuses to resize btrfs below that), but the manifest declares ${formatBytes(input.to)}`,
    found: `btrfs of ${formatBytes(input.found.size)}`,
    declared: formatBytes(input.to),
    fix: `set size = "${exactSizeText(BTRFS_MIN_RESIZE)}" or more, or leave it at ${exactSizeText(input.found.size)}`,
  });
}

/** The refusal for growing `found` to `to` bytes on the host when its tools cannot; null when they can. */
export function refuseBeyondGrowthLimit(
  ctx: VolumeContext,
  input: { found: FoundFilesystem; to: number; what: "image" | "seed" },
): RefuseAction | null {
  const { found, to } = input;
  const where =
    input.what === "seed"
      ? `the ${found.type} filesystem of the seed copied to ${ctx.volume.path}`
      : `the ${found.type} filesystem in ${ctx.volume.path}`;
  if (found.type === "btrfs" && to > found.size && to < BTRFS_MIN_RESIZE)
    return refuseBtrfsTooSmall(ctx, { found, to, where });
  if (found.ext === undefined || to <= found.size) return null;
  const limit = extGrowthLimit(found.ext);
  if (to <= limit) return null;
  const block = formatBytes(found.ext.blockSize);
  return refuse(ctx, {
    refusal: "growth-limit",
    statement: `${where} (${block} blocks) can be grown to at most ${formatBytes(limit)} by resize2fs, but the manifest declares ${formatBytes(to)}`,
    found: `${found.type} with ${block} blocks, growable to ${formatBytes(limit)}`,
    declared: formatBytes(to),
    fix: `set size = "${exactSizeText(Math.floor(limit / 1024 / 1024) * 1024 * 1024)}" or less, or move the data to a new volume made at the larger size (its filesystem then gets larger blocks)`,
  });
}
