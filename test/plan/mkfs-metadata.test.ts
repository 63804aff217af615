// The mkfs metadata estimate against the measured table in src/plan/mkfs-metadata.ts.
import { describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import { GIB, MIB, TIB } from "./builders.js";

// st_blocks × 512 after the lean mkfs on a fresh sparse file (see the comment in the source).
const MEASURED: readonly (readonly [FsType, number, number])[] = [
  ["ext2", 64 * MIB, 401408],
  ["ext2", GIB, 462848],
  ["ext2", 10 * GIB, 3444736],
  ["ext2", 16 * GIB, 5427200],
  ["ext2", 100 * GIB, 11317248],
  ["ext2", TIB, 76300288],
  ["ext3", 64 * MIB, 4612096],
  ["ext3", 512 * MIB, 17080320],
  ["ext3", GIB, 34054144],
  ["ext3", 10 * GIB, 70623232],
  ["ext3", 100 * GIB, 548720640],
  ["ext3", 200 * GIB, 1093038080],
  ["ext3", TIB, 1151111168],
  ["ext4", 64 * MIB, 393216],
  ["ext4", GIB, 679936],
  ["ext4", 2 * GIB, 1212416],
  ["ext4", 5 * GIB, 2809856],
  ["ext4", 10 * GIB, 4440064],
  ["ext4", 100 * GIB, 5386240],
  ["ext4", TIB, 16482304],
  ["ext4", 2 * TIB, 29601792],
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
