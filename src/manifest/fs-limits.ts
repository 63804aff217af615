// What each filesystem type needs: the smallest image its mkfs accepts and its label limit.
import type { FsType } from "./desired.js";

/** Limits volplan checks a declared format against before anything is created. */
export interface FsLimits {
  /** Smallest image size in bytes that mkfs formats with default options, or null for raw images. */
  readonly minBytes: number | null;
  /** Longest label in bytes, or null when the type has no label. */
  readonly labelMaxBytes: number | null;
}

// Minimums measured by bisecting (512-byte steps) the size of a sparse file given to
// `mkfs.ext2|ext3|ext4 -F -q`, `mkfs.xfs -f -q`, `mkfs.btrfs -f -q`, `mkfs.vfat` and `mkswap`
// until it succeeds, with e2fsprogs 1.47.0, xfsprogs 6.1.0, btrfs-progs 6.2, dosfstools 4.2 and
// util-linux 2.38.1. mke2fs formats ext2 from 104 KiB, but below 2 MiB it silently leaves out
// the journal, so ext3 and ext4 use 2 MiB: an ext3 without a journal is read back as ext2.
/** Filesystem limits by type. */
export const FS_LIMITS: Readonly<Record<FsType, FsLimits>> = {
  ext2: { minBytes: 106_496, labelMaxBytes: 16 },
  ext3: { minBytes: 2_097_152, labelMaxBytes: 16 },
  ext4: { minBytes: 2_097_152, labelMaxBytes: 16 },
  xfs: { minBytes: 314_572_800, labelMaxBytes: 12 },
  btrfs: { minBytes: 114_294_784, labelMaxBytes: 255 },
  vfat: { minBytes: 51_200, labelMaxBytes: 11 },
  swap: { minBytes: 40_960, labelMaxBytes: 16 },
  none: { minBytes: null, labelMaxBytes: null },
};
