// How many bytes a lean mkfs (mkfs-args.ts) allocates in a freshly truncated sparse image.
import type { FsType } from "../manifest/desired.js";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

// Measured on ext4 (host), e2fsprogs 1.47.0, xfsprogs 6.1.0, btrfs-progs 6.2, dosfstools 4.2,
// util-linux 2.38.1, as root in a temp dir, for each TYPE and SIZE:
//   rm -f img; truncate -s SIZE img; mkfs.TYPE <flags from mkfsCommand> img; sync img
//   echo $(( $(stat -c %b img) * 512 ))
// (ext: -F -q -E lazy_itable_init=1,lazy_journal_init=1,discard,resize=<128 × SIZE>; xfs/btrfs:
// -f -q -K; vfat and mkswap without flags). test/plan/mkfs-metadata.real.test.ts re-checks a
// subset on every run.
//
//   size     ext2       ext3        ext4       xfs        btrfs    vfat      swap
//   64 MiB   168 KiB    4.2 MiB     188 KiB    (<300 MiB: mkfs.xfs refuses; btrfs needs 109 MiB)
//   256 MiB  372 KiB    8.4 MiB     396 KiB
//   511 MiB  632 KiB    8.7 MiB     444 KiB
//   512 MiB  164 KiB    16.2 MiB    168 KiB    64.3 MiB   4.6 MiB  1.0 MiB   4 KiB
//   1 GiB    228 KiB    32.3 MiB    216 KiB    64.3 MiB   4.6 MiB  2.0 MiB   4 KiB
//   2 GiB    332 KiB    64.4 MiB    288 KiB
//   10 GiB   1.1 MiB    65.2 MiB    872 KiB    64.3 MiB   4.6 MiB  10.0 MiB  4 KiB
//   32 GiB   3.2 MiB    259.5 MiB   2.4 MiB
//   100 GiB  9.9 MiB    522.4 MiB   5.1 MiB    64.3 MiB   4.6 MiB  25.1 MiB  4 KiB
//   300 GiB  24.1 MiB   1.02 GiB    7.2 MiB
//   1 TiB    72.8 MiB   1.07 GiB    15.7 MiB   512.3 MiB  4.6 MiB  256 MiB   4 KiB
// Also 5 and 16 GiB for ext2/3/4. mke2fs picks 1 KiB blocks below 512 MiB here (mke2fs.conf
// "small"; newer e2fsprogs use 4 KiB), 4 KiB above. Most of an ext image is the resize inode's
// reserved descriptor blocks, which the resize= cap (ext-options.ts) bounds: about 64 KiB per GiB
// for ext4 (64-bit descriptors) and 32 KiB per GiB for ext2/3, up to 4 MiB; the rest is ~14 KiB
// (ext4) or ~72 KiB (ext2/3, no flex_bg) per GiB. Without the cap (mke2fs's 1,024-fold reserve)
// a 10 GiB ext4 allocated 4.2 MiB, 1 GiB 664 KiB, 64 MiB 384 KiB.
// xfs 200 GiB 100.3 MiB and 2 TiB 1.0 GiB (the log, which mkfs.xfs always zeroes, is size/2048
// between 64 MiB and 2 GiB), vfat at 128/200/300 MiB (FAT16, under 300 KiB) and 8/9/17/33 GiB
// (two FATs of 4 bytes per cluster; clusters of 4 KiB up to 8 GiB, 8 KiB up to 16, 16 KiB up to
// 32, then 32 KiB). For comparison, plain `mkfs.ext4 -F -q` on a sparse 100 GiB file allocates
// 517 MiB (the zeroed journal); the lean flags allocate 5.1 MiB.
// The fitted models below are at or above every measurement; the estimate adds 10% and rounds
// up to 64 KiB.

// mke2fs's default journal size: a step function of the block count (ext2fs_default_journal_size).
function journalBytes(size: number, blockSize: number): number {
  const blocks = Math.floor(size / blockSize);
  const steps: readonly (readonly [number, number])[] = [
    [2048, 0],
    [32768, 1024],
    [256 * 1024, 4096],
    [512 * 1024, 8192],
    [4096 * 1024, 16384],
    [8192 * 1024, 32768],
    [16384 * 1024, 65536],
    [32768 * 1024, 131072],
  ];
  const step = steps.find(([limit]) => blocks < limit);
  return (step === undefined ? 262144 : step[1]) * blockSize;
}

// Below 512 MiB the block size depends on the e2fsprogs version: take the larger journal.
function ext3JournalBytes(size: number): number {
  const journal = Math.max(
    journalBytes(size, 4 * KIB),
    size < 512 * MIB ? journalBytes(size, KIB) : 0,
  );
  // Without extents the journal inode maps its blocks through one indirect block per 1,024.
  return journal + journal / 1024 + 32 * KIB;
}

// Below 512 MiB (1 KiB blocks) the reserve is one 1 KiB block per MiB (ext2/3) or two (ext4),
// up to 256; the same formulas bound a 4 KiB-block image of that size. Above, the larger of the
// two keeps the estimate from falling where the block size changes.
function extBytes(size: number, small: (mib: number) => number, large: (gib: number) => number) {
  const smallPart = small(Math.min(size, 512 * MIB) / MIB);
  return size < 512 * MIB ? smallPart : Math.max(smallPart, large(size / GIB));
}

function ext2Bytes(size: number): number {
  return extBytes(
    size,
    (mib) => 192 * KIB + Math.min(mib / 2, 256) * KIB + 0.5 * KIB * mib,
    (gib) => 192 * KIB + 32 * KIB * Math.min(gib, 128) + 72 * KIB * gib,
  );
}

function ext4Bytes(size: number): number {
  return extBytes(
    size,
    (mib) => 160 * KIB + Math.min(mib, 256) * KIB + 0.25 * KIB * mib,
    (gib) => 160 * KIB + 64 * KIB * Math.min(gib, 64) + 14 * KIB * gib,
  );
}

function xfsBytes(size: number): number {
  return Math.min(2 * GIB, Math.max(64 * MIB, size / 2048)) + MIB;
}

function vfatBytes(size: number): number {
  if (size < 512 * MIB) return 512 * KIB;
  const cluster =
    size <= 8 * GIB ? 4 * KIB : size <= 16 * GIB ? 8 * KIB : size <= 32 * GIB ? 16 * KIB : 32 * KIB;
  return 64 * KIB + (8 * size) / cluster;
}

// The fitted model, before the margin.
function modelBytes(type: FsType, size: number): number {
  switch (type) {
    case "ext2":
      return ext2Bytes(size);
    case "ext3":
      return ext2Bytes(size) + ext3JournalBytes(size);
    case "ext4":
      return ext4Bytes(size);
    case "xfs":
      return xfsBytes(size);
    case "btrfs":
      return 5 * MIB;
    case "vfat":
      return vfatBytes(size);
    case "swap":
      return 4 * KIB;
    case "none":
      return 0;
  }
}

/** Estimated bytes the lean mkfs of `type` allocates on a fresh sparse image of `size` bytes (10% margin, 64 KiB steps). */
export function mkfsMetadataEstimate(type: FsType, size: number): number {
  const step = 64 * KIB;
  return Math.ceil((modelBytes(type, size) * 1.1) / step) * step;
}
