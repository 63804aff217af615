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

// Measured on fresh lean images (mkfs-args.ts), bytes = st_blocks×512 after − before.
// ext: `truncate -s TO img; e2fsck -fy img; resize2fs img` (e2fsprogs 1.47.0):
//   ext4 1→10 GiB 100 KiB, 10→100 GiB 896 KiB, 1 GiB→1 TiB 11.1 MiB   (≈ 11 KiB per GiB)
//   ext2 1→10 GiB 145 MiB, 10→100 GiB 1.41 GiB, 1 GiB→1 TiB 16.1 GiB  (≈ 16 MiB per GiB:
//   ext2/ext3 have no lazy inode tables, so resize2fs zeroes every new group's inode table)
// xfs/btrfs: `truncate`, `losetup --find --show`, mount, `xfs_growfs MNT` or
// `btrfs filesystem resize max MNT`, umount (xfsprogs 6.1.0, btrfs-progs 6.2):
//   xfs 1→10 GiB 864 KiB, 1→100 GiB 9.3 MiB, 10 GiB→1 TiB 9.5 MiB (new allocation-group headers;
//   a small filesystem has small groups, so up to ≈ 96 KiB per GiB)
//   btrfs 1→10 GiB 32 KiB, 1 GiB→1 TiB 36 KiB
// Estimate: 1 MiB plus a per-GiB term above each measurement by at least 10%.
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

type GrowableFsType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs";

const PER_GIB: Readonly<Record<GrowableFsType, number>> = {
  ext2: 18 * MIB,
  ext3: 18 * MIB,
  ext4: 16 * 1024,
  xfs: 112 * 1024,
  btrfs: 16 * 1024,
};

/** Estimated bytes growing the filesystem from `from` to `to` bytes writes into a sparse image. */
export function growFilesystemBytes(input: {
  fsType: GrowableFsType;
  from: number;
  to: number;
}): number {
  const grownGiB = Math.max(0, input.to - input.from) / GIB;
  return Math.ceil((MIB + grownGiB * PER_GIB[input.fsType]) / 4096) * 4096;
}

// A qcow2 image with 64 KiB clusters (qemu-img's default): a header cluster, a refcount table
// and block, an L1 table of 8 bytes per 512 MiB, and an L2 table (one cluster) per 512 MiB
// range in which the guest's data has any cluster.
const CLUSTER = 64 * 1024;
const L2_SPAN = 512 * MIB;

function roundUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}

/** Bytes of a qcow2 image's own tables for a virtual size, with L2 tables for every range. */
export function qcow2MetadataBytes(size: number): number {
  const ranges = Math.ceil(size / L2_SPAN);
  return 3 * CLUSTER + roundUp(ranges * 8, CLUSTER) + ranges * CLUSTER;
}

/** Bytes a thin overlay allocates at creation: its header, refcounts and an empty L1 table. */
export function qcow2OverlayBytes(size: number): number {
  return 3 * CLUSTER + roundUp(Math.ceil(size / L2_SPAN) * 8, CLUSTER);
}

/**
 * Bytes a fresh qcow2 image allocates at its peak: the raw temp file holding the new filesystem
 * (its mkfs metadata) and, beside it until it is removed, the converted image (that metadata
 * again, in whole clusters, and the tables). Measured at that peak (test/apply/qcow2.test.ts,
 * tmpfs, qemu-img 7.2): ext4 1 GiB 0.9 MiB, 50 GiB 7.8 MiB; xfs 1 GiB 0.6 MiB; btrfs 1 GiB 1.2 MiB.
 */
export function qcow2CreateBytes(input: { type: FsType; size: number }): number {
  const raw = mkfsMetadataEstimate(input.type, input.size);
  return input.type === "none"
    ? qcow2OverlayBytes(input.size)
    : 2 * raw + qcow2MetadataBytes(input.size);
}

/** Bytes `qemu-img resize` of a qcow2 image allocates: a larger L1 table, moved to the end. */
export function qcow2GrowBytes(to: number): number {
  return CLUSTER + roundUp(Math.ceil(to / L2_SPAN) * 8, CLUSTER);
}
