// How many bytes a lean mkfs (mkfs-args.ts) allocates in a freshly truncated sparse image.
import type { FsType } from "../manifest/desired.js";

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;

// Measured on ext4 (host), e2fsprogs 1.47.0, xfsprogs 6.1.0, btrfs-progs 6.2, dosfstools 4.2,
// util-linux 2.38.1, as root in a temp dir, for each TYPE and SIZE:
//   rm -f img; truncate -s SIZE img; mkfs.TYPE <flags from mkfsCommand> img; sync img
//   echo $(( $(stat -c %b img) * 512 ))
// (ext: -F -q -E lazy_itable_init=1,lazy_journal_init=1,discard; xfs/btrfs: -f -q -K; vfat and
// mkswap without flags). test/plan/mkfs-metadata.real.test.ts re-checks a subset on every run.
//
//   size    ext2      ext3       ext4      xfs        btrfs    vfat      swap
//   64 MiB  392 KiB   4.4 MiB    384 KiB   (<300 MiB: mkfs.xfs refuses; btrfs needs 109 MiB)
//   512 MiB 276 KiB   16.3 MiB   392 KiB   64.3 MiB   4.6 MiB  1.0 MiB   4 KiB
//   1 GiB   452 KiB   32.5 MiB   664 KiB   64.3 MiB   4.6 MiB  2.0 MiB   4 KiB
//   10 GiB  3.3 MiB   67.4 MiB   4.2 MiB   64.3 MiB   4.6 MiB  10.0 MiB  4 KiB
//   100 GiB 10.8 MiB  523.3 MiB  5.1 MiB   64.3 MiB   4.6 MiB  25.1 MiB  4 KiB
//   1 TiB   72.8 MiB  1.07 GiB   15.7 MiB  512.3 MiB  4.6 MiB  256 MiB   4 KiB
// Also 2/3/5/16/32/50/300 GiB and 2 TiB for ext2/ext4 (ext4 grows ~0.5 MiB/GiB up to ~8 GiB,
// then ~12 KiB/GiB; ext2 ~0.32 MiB/GiB up to ~16 GiB, then ~70 KiB/GiB), xfs 200 GiB 100.3 MiB
// and 2 TiB 1.0 GiB (the log, which mkfs.xfs always zeroes, is size/2048 between 64 MiB and
// 2 GiB), vfat at 128/200/300 MiB (FAT16, under 300 KiB) and 8/9/17/33 GiB (two FATs of 4 bytes
// per cluster; clusters of 4 KiB up to 8 GiB, 8 KiB up to 16, 16 KiB up to 32, then 32 KiB).
// For comparison, plain `mkfs.ext4 -F -q` on a sparse 100 GiB file allocates 517 MiB (the zeroed
// journal); the lean flags allocate 5.1 MiB.
// The fitted models below are at or above every measurement; the estimate adds 10% and rounds
// up to 64 KiB.

// mke2fs's default journal size: a step function of the block count (ext2fs_default_journal_size),
// with 1 KiB blocks below 512 MiB (the "small" type of mke2fs.conf) and 4 KiB blocks above.
function ext3JournalBytes(size: number): number {
  const blockSize = size < 512 * MIB ? KIB : 4 * KIB;
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

function ext2Bytes(gib: number): number {
  return 0.5 * MIB + 0.33 * MIB * Math.min(gib, 16) + 72 * KIB * gib;
}

function ext4Bytes(gib: number): number {
  return 0.5 * MIB + 0.5 * MIB * Math.min(gib, 8) + 14 * KIB * gib;
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
  const gib = size / GIB;
  switch (type) {
    case "ext2":
      return ext2Bytes(gib);
    case "ext3":
      return ext2Bytes(gib) + ext3JournalBytes(size);
    case "ext4":
      return ext4Bytes(gib);
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
