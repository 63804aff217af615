// Finds the filesystem in an image's first bytes by trying every known superblock.
import type { FoundFilesystem } from "../../plan/snapshot.js";
import { readBtrfs } from "./btrfs.js";
import { readExt } from "./ext.js";
import { readSwap } from "./swap.js";
import { readVfat } from "./vfat.js";
import { readXfs } from "./xfs.js";

/** Bytes to read from the start of an image: enough for the btrfs superblock at 64 KiB. */
export const HEAD_BYTES = 68 * 1024;

/** Bytes that hold the ext2/3/4 (at 1 KiB) and XFS (at 0) superblocks, read before the rest. */
export const FIRST_BYTES = 4096;

// FAT last: its only magic (0x55AA) is shared with partition tables and boot loaders.
const READERS = [readExt, readXfs, readBtrfs, readSwap, readVfat] as const;

/** The filesystem whose superblock the bytes hold, or null when none is known or it is implausible. */
export function detectFilesystem(head: Buffer): FoundFilesystem | null {
  for (const read of READERS) {
    const found = read(head);
    if (found !== null) return found;
  }
  return null;
}

/**
 * ext2/3/4 or XFS from the first FIRST_BYTES alone, else null. They come first in READERS, so
 * a match here is what detectFilesystem would report for the whole head; anything else needs it.
 */
export function detectCommonFilesystem(first: Buffer): FoundFilesystem | null {
  return readExt(first) ?? readXfs(first);
}
