// The mkfs metadata estimate against the measured table in src/plan/mkfs-metadata.ts.
import { describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import { GIB, MIB, TIB } from "./builders.js";

// st_blocks × 512 after the lean mkfs on a fresh sparse file (see the comment in the source).
const MEASURED: readonly (readonly [FsType, number, number])[] = [
  ["ext2", 64 * MIB, 172032],
  ["ext2", 256 * MIB, 380928],
  ["ext2", 511 * MIB, 647168],
  ["ext2", 512 * MIB, 167936],
  ["ext2", 1024 * MIB, 233472],
  ["ext2", 2048 * MIB, 339968],
  ["ext2", 5120 * MIB, 651264],
  ["ext2", 10240 * MIB, 1150976],
  ["ext2", 16384 * MIB, 1757184],
  ["ext2", 32768 * MIB, 3383296],
  ["ext2", 102400 * MIB, 10399744],
  ["ext2", 307200 * MIB, 25219072],
  ["ext2", 1048576 * MIB, 76300288],
  ["ext3", 64 * MIB, 4382720],
  ["ext3", 256 * MIB, 8802304],
  ["ext3", 511 * MIB, 9072640],
  ["ext3", 512 * MIB, 16965632],
  ["ext3", 1024 * MIB, 33824768],
  ["ext3", 2048 * MIB, 67518464],
  ["ext3", 5120 * MIB, 67829760],
  ["ext3", 10240 * MIB, 68329472],
  ["ext3", 16384 * MIB, 136110080],
  ["ext3", 32768 * MIB, 272089088],
  ["ext3", 102400 * MIB, 547803136],
  ["ext3", 307200 * MIB, 1100029952],
  ["ext3", 1048576 * MIB, 1151111168],
  ["ext4", 64 * MIB, 192512],
  ["ext4", 256 * MIB, 405504],
  ["ext4", 511 * MIB, 454656],
  ["ext4", 512 * MIB, 172032],
  ["ext4", 1024 * MIB, 221184],
  ["ext4", 2048 * MIB, 294912],
  ["ext4", 5120 * MIB, 516096],
  ["ext4", 10240 * MIB, 892928],
  ["ext4", 16384 * MIB, 1323008],
  ["ext4", 32768 * MIB, 2510848],
  ["ext4", 102400 * MIB, 5386240],
  ["ext4", 307200 * MIB, 7512064],
  ["ext4", 1048576 * MIB, 16482304],
  ["xfs", 512 * MIB, 67448832],
  ["xfs", 100 * GIB, 67448832],
  ["xfs", 200 * GIB, 105197568],
  ["xfs", TIB, 537210880],
  ["xfs", 2 * TIB, 1074081792],
  ["btrfs", 512 * MIB, 4792320],
  ["btrfs", TIB, 4796416],
  ["vfat", 64 * MIB, 151552],
  ["vfat", 128 * MIB, 282624],
  ["vfat", GIB, 2117632],
  ["vfat", 8 * GIB, 16773120],
  ["vfat", 9 * GIB, 9461760],
  ["vfat", 100 * GIB, 26279936],
  ["vfat", TIB, 268500992],
  ["swap", 64 * MIB, 4096],
  ["swap", TIB, 4096],
];

describe("mkfsMetadataEstimate", () => {
  it.each(MEASURED)(
    "%s of %d bytes: at least 10%% above the measured %d, at most 2× + 4 MiB",
    (type, size, measured) => {
      const estimate = mkfsMetadataEstimate(type, size);
      expect(estimate).toBeGreaterThanOrEqual(measured * 1.1);
      expect(estimate).toBeLessThanOrEqual(2 * measured + 4 * MIB);
    },
  );

  it("is zero for raw images and a whole number of 64 KiB steps otherwise", () => {
    expect(mkfsMetadataEstimate("none", TIB)).toBe(0);
    expect(mkfsMetadataEstimate("ext4", 123456789) % (64 * 1024)).toBe(0);
  });

  it("never decreases as the image grows", () => {
    const sizes = [
      64 * MIB,
      300 * MIB,
      511 * MIB,
      512 * MIB,
      GIB,
      8 * GIB,
      16 * GIB,
      17 * GIB,
      33 * GIB,
      129 * GIB,
      TIB,
    ];
    for (const type of ["ext2", "ext4", "xfs", "btrfs", "swap"] as const) {
      const estimates = sizes.map((s) => mkfsMetadataEstimate(type, s));
      expect(estimates).toEqual([...estimates].sort((a, b) => a - b));
    }
  });

  it("a lean ext4 on 100 GiB costs about 1% of plain mkfs.ext4's 517 MiB", () => {
    expect(mkfsMetadataEstimate("ext4", 100 * GIB)).toBeLessThan(542253056 / 50);
  });
});
