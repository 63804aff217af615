// The largest regular file a host filesystem holds, where the kernel bounds it below what a
// manifest can declare; a size beyond it would fail at apply time with EFBIG from ftruncate.
import type { ObservedFilesystem } from "./snapshot.js";

/**
 * Bytes of the largest file on `fs`, or null when no bound applies (xfs, btrfs and tmpfs hold
 * files far beyond 2^53 bytes) or none is known. ext4 (extents, huge_file): 2^32 − 1 blocks.
 * ext2/ext3 (block maps, as mke2fs makes them without huge_file): the triple-indirect map, and
 * i_blocks counting 512-byte sectors in 32 bits less the map's own blocks; this errs low by up to
 * 0.1%. Measured with truncate(1): ext4 with 4 KiB blocks 17,592,186,040,320 bytes, ext3 with
 * 4 KiB blocks 2,196,873,666,560, ext2/ext3 with 1 KiB blocks below 2 TiB.
 */
export function maxFileSize(fs: Pick<ObservedFilesystem, "type" | "blockSize">): number | null {
  const bs = fs.blockSize;
  if (bs <= 0 || (bs & (bs - 1)) !== 0) return null;
  switch (fs.type) {
    case "ext4":
      return (2 ** 32 - 1) * bs;
    case "ext2":
    case "ext3": {
      const n = bs / 4;
      const mapped = (12 + n + n * n + n * n * n) * bs;
      const counted = (Math.floor(((2 ** 32 - 1) * 512) / bs) - (3 + 2 * n + n * n)) * bs;
      return Math.min(mapped, counted);
    }
    case "vfat":
    case "msdos":
      return 2 ** 32 - 1;
    default:
      return null;
  }
}

// Filesystems that hold no image files: the kernel's views of itself. Creating a file there fails
// (or means nothing), so a path on one is refused at plan time.
const PSEUDO = new Set([
  "proc",
  "sysfs",
  "devpts",
  "debugfs",
  "tracefs",
  "securityfs",
  "cgroup",
  "cgroup2",
  "pstore",
  "bpf",
  "configfs",
  "efivarfs",
  "fusectl",
  "mqueue",
  "binfmt_misc",
  "nsfs",
  "selinuxfs",
]);

/** Whether `type` (from mountinfo) is a kernel pseudo filesystem such as procfs or sysfs. */
export function isPseudoFilesystem(type: string): boolean {
  return PSEUDO.has(type);
}
