// What each action is budgeted to allocate.
import { describe, expect, it } from "vitest";
import {
  createBytes,
  growFilesystemBytes,
  growImageBytes,
  seedBytes,
} from "../../src/plan/consumption.js";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import { GIB, KIB, MIB, TIB } from "./builders.js";

describe("consumption", () => {
  it("create: metadata when sparse, the whole size otherwise", () => {
    expect(createBytes({ allocation: "sparse", type: "ext4", size: 10 * GIB })).toBe(
      mkfsMetadataEstimate("ext4", 10 * GIB),
    );
    expect(createBytes({ allocation: "preallocate", type: "ext4", size: 10 * GIB })).toBe(10 * GIB);
    expect(createBytes({ allocation: "zero", type: "none", size: 10 * GIB })).toBe(10 * GIB);
  });

  it("seed: the base image's allocation unless reflinked", () => {
    expect(seedBytes({ seedAllocated: 700 * MIB, reflink: false })).toBe(700 * MIB);
    expect(seedBytes({ seedAllocated: 700 * MIB, reflink: true })).toBe(0);
  });

  it("grow-image: nothing when sparse, the new range otherwise", () => {
    expect(growImageBytes({ allocation: "sparse", from: GIB, to: 2 * GIB })).toBe(0);
    expect(growImageBytes({ allocation: "zero", from: GIB, to: 2 * GIB })).toBe(GIB);
  });

  // Measured bytes written by the filesystem growth (see src/plan/consumption.ts).
  it.each([
    ["ext4", GIB, 10 * GIB, 100 * KIB],
    ["ext4", 10 * GIB, 100 * GIB, 896 * KIB],
    ["ext4", GIB, TIB, 11636736],
    ["ext2", GIB, 10 * GIB, 151617536],
    ["ext2", 10 * GIB, 100 * GIB, 1516302336],
    ["ext3", GIB, TIB, 17235775488],
    ["xfs", GIB, 10 * GIB, 884736],
    ["xfs", GIB, 100 * GIB, 9736192],
    ["xfs", 10 * GIB, TIB, 9981952],
    ["btrfs", GIB, TIB, 36864],
  ] as const)(
    "grow-filesystem %s %d → %d covers the measured %d with 10%% to spare",
    (fsType, from, to, measured) => {
      expect(growFilesystemBytes({ fsType, from, to })).toBeGreaterThanOrEqual(measured * 1.1);
    },
  );
});
