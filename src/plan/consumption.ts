// Bytes each kind of volume action newly allocates on its host filesystem.
import type { FsType } from "../manifest/desired.js";
import { mkfsMetadataEstimate } from "./mkfs-metadata.js";

/** Bytes a create allocates: the whole size unless sparse, where only mkfs metadata is written. */
export function createBytes(input: {
  allocation: "sparse" | "preallocate" | "zero";
  type: FsType;
  size: number;
}): number {
  return input.allocation === "sparse" ? mkfsMetadataEstimate(input.type, input.size) : input.size;
}

/** Bytes a seed copy allocates: the base image's allocated bytes, none when it is reflinked. */
export function seedBytes(input: { seedAllocated: number; reflink: boolean }): number {
  return input.reflink ? 0 : input.seedAllocated;
}

/** Bytes growing a file allocates: nothing when sparse, the new range otherwise. */
export function growImageBytes(input: {
  allocation: "sparse" | "preallocate" | "zero";
  from: number;
  to: number;
}): number {
  return input.allocation === "sparse" ? 0 : Math.max(0, input.to - input.from);
}

// Measured with e2fsprogs 1.47.0 on fresh lean images (mkfs-args.ts), then
// `truncate -s TO; e2fsck -fy; resize2fs`, bytes = st_blocks×512 after − before:
//   ext4 1→10 GiB 100 KiB, 10→100 GiB 896 KiB, 1 GiB→1 TiB 11.1 MiB   (≈ 11 KiB per GiB)
//   ext2 1→10 GiB 145 MiB, 10→100 GiB 1.41 GiB, 1 GiB→1 TiB 16.1 GiB  (≈ 16 MiB per GiB:
//   ext2/ext3 have no lazy inode tables, so resize2fs zeroes every new group's inode table)
// xfs_growfs and btrfs resize write new allocation-group headers and a few tree blocks; they
// are budgeted like ext4 (an estimate, not measured per size).
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Estimated bytes growing the filesystem from `from` to `to` bytes writes into a sparse image. */
export function growFilesystemBytes(input: {
  fsType: "ext2" | "ext3" | "ext4" | "xfs" | "btrfs";
  from: number;
  to: number;
}): number {
  const grownGiB = Math.max(0, input.to - input.from) / GIB;
  const perGiB = input.fsType === "ext2" || input.fsType === "ext3" ? 18 * MIB : 16 * 1024;
  return Math.ceil((MIB + grownGiB * perGiB) / 4096) * 4096;
}
