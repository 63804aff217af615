// Table tests for what one apply must get right the first time: seeds (grower, label, what they
// are), growth limits, impossible targets, allocation drift and repairs after a killed resize.
import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import type { ExtDetails, Holder } from "../../src/plan/snapshot.js";
import {
  GIB,
  MIB,
  TIB,
  desiredState,
  desiredVolume,
  foundFs,
  hostFs,
  observedFile,
  seedImage,
  snapshotWith,
  expectPlanCase,
  type PlanCase,
} from "./builders.js";

const text = (s: string) => expect.stringContaining(s) as unknown;
const qemu: Holder = { pid: 812, command: "qemu-system-x86", how: "ofd-lock" };
const SEED = "/nix/store/base.img";
const raw = { type: "none" as const };
// A 64 MiB ext4 with 1 KiB blocks, as mke2fs makes small images: resize2fs grows it to 1023.9 GiB.
const smallExt: ExtDetails = {
  blockSize: 1024,
  blocksPerGroup: 8192,
  firstDataBlock: 1,
  descriptorSize: 64,
  blocks64: true,
  errors: false,
};
// A host filesystem whose reflink support is unknown (no "no-reflink" warning).
const seedHost = hostFs({ capabilities: { sparse: true, reflink: null, fallocate: true } });
// A host filesystem large enough that no declared size overcommits it.
const bigHost = hostFs({ type: "xfs", total: 100 * TIB, free: 50 * TIB });
const seed64 = (found: Parameters<typeof foundFs>[1] | null) =>
  seedImage(SEED, {
    size: 64 * MIB,
    allocated: 10 * MIB,
    foundFilesystem: found === null ? null : foundFs(64 * MIB, found),
  });

const cases: PlanCase[] = [
  // seeds: who grows is decided from the superblock found
  {
    name: "raw volume seeded with ext4: the host grows the seed's filesystem (auto)",
    volume: desiredVolume({
      size: 256 * MIB,
      format: raw,
      growFilesystem: "none",
      seed: { from: SEED },
    }),
    extra: { seeds: [seed64({})], filesystems: [seedHost] },
    expected: [
      { kind: "seed", size: 256 * MIB },
      { kind: "grow-filesystem", fs_type: "ext4", from: 64 * MIB, to: 256 * MIB },
    ],
  },
  {
    name: "raw volume seeded with xfs: left to the guest, with advice that validates",
    volume: desiredVolume({
      size: 1 * GIB,
      format: raw,
      growFilesystem: "none",
      seed: { from: SEED },
    }),
    extra: {
      seeds: [
        seedImage(SEED, { size: 300 * MIB, foundFilesystem: foundFs(300 * MIB, { type: "xfs" }) }),
      ],
      filesystems: [seedHost],
    },
    expected: [{ kind: "seed" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "raw volume seeded with swap: the advice is mkswap in the guest",
    volume: desiredVolume({
      size: 256 * MIB,
      format: raw,
      growFilesystem: "none",
      seed: { from: SEED },
    }),
    extra: { seeds: [seed64({ type: "swap" })], filesystems: [seedHost] },
    expected: [{ kind: "seed" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "seed with a different label: the copy is labelled as declared",
    volume: desiredVolume({ size: 64 * MIB, format: { label: "root" }, seed: { from: SEED } }),
    extra: { seeds: [seed64({ label: "base" })], filesystems: [seedHost] },
    expected: [
      {
        kind: "seed",
        relabel: { fs_type: "ext4", label: "root" },
        reason: text('label it "root"'),
      },
    ],
  },
  {
    name: "seed with a different xfs label holding a blank: refused before copying (xfs_db cannot set it)",
    volume: desiredVolume({
      size: 64 * MIB,
      format: { type: "xfs", label: "my data" },
      seed: { from: SEED },
    }),
    extra: { seeds: [seed64({ type: "xfs", label: "base" })], filesystems: [seedHost] },
    expected: [
      { kind: "refuse", refusal: "label-differs", fix: text("declare a label without blanks") },
    ],
  },
  {
    name: "seed with the declared label: nothing to relabel",
    volume: desiredVolume({ size: 64 * MIB, format: { label: "root" }, seed: { from: SEED } }),
    extra: { seeds: [seed64({ label: "root" })], filesystems: [seedHost] },
    expected: [{ kind: "seed" }],
  },
  {
    name: "seed holding another filesystem than declared: refused before copying",
    volume: desiredVolume({ size: 1 * GIB, format: { type: "ext4" }, seed: { from: SEED } }),
    extra: { seeds: [seed64({ type: "xfs" })] },
    expected: [{ kind: "refuse", refusal: "type-differs", fix: text('set format.type = "xfs"') }],
  },
  {
    name: "seed holding no filesystem where one is declared: refused before copying",
    volume: desiredVolume({ size: 1 * GIB, format: { type: "ext4" }, seed: { from: SEED } }),
    extra: { seeds: [seed64(null)] },
    expected: [{ kind: "refuse", refusal: "unformatted", fix: text('format.type = "none"') }],
  },
  {
    name: "seed that is a FIFO is refused as a FIFO",
    volume: desiredVolume({ seed: { from: SEED } }),
    extra: { seeds: [seedImage(SEED, { exists: false, size: 0, allocated: 0, what: "a FIFO" })] },
    expected: [{ kind: "refuse", refusal: "seed-unusable", found: `a FIFO at ${SEED}` }],
  },
  {
    name: "seed that is a directory is refused as a directory",
    volume: desiredVolume({ seed: { from: SEED } }),
    extra: { seeds: [seedImage(SEED, { exists: false, what: "a directory" })] },
    expected: [{ kind: "refuse", refusal: "seed-unusable", reason: text("which is a directory") }],
  },
  {
    name: "empty seed is refused",
    volume: desiredVolume({ seed: { from: SEED } }),
    extra: { seeds: [seedImage(SEED, { size: 0, allocated: 0, foundFilesystem: null })] },
    expected: [{ kind: "refuse", refusal: "seed-unusable", found: `an empty file at ${SEED}` }],
  },
  {
    name: "seed on procfs is refused",
    volume: desiredVolume({ seed: { from: "/proc/self/status" } }),
    extra: {
      seeds: [
        seedImage("/proc/self/status", { size: 1000, filesystem: "0:22", foundFilesystem: null }),
      ],
      filesystems: [hostFs(), hostFs({ id: "0:22", type: "proc", mountPoint: "/proc" })],
    },
    expected: [{ kind: "refuse", refusal: "seed-unusable", found: text("a file on proc") }],
  },
  {
    name: "preallocated seed: the copy's holes are allocated after it",
    volume: desiredVolume({ size: 64 * MIB, allocation: "preallocate", seed: { from: SEED } }),
    extra: { seeds: [seed64({})], filesystems: [seedHost] },
    expected: [
      { kind: "seed" },
      { kind: "allocate", size: 64 * MIB, allocated: 10 * MIB, consumes: { bytes: 54 * MIB } },
    ],
  },
  // growth beyond what resize2fs can do
  {
    name: "ext4 with 1 KiB blocks declared 1 TiB: refused at plan time, naming the limit",
    volume: desiredVolume({ size: 1 * TIB }),
    observed: {
      entry: observedFile({ size: 64 * MIB, filesystem: foundFs(64 * MIB, { ext: smallExt }) }),
    },
    expected: [
      {
        kind: "refuse",
        refusal: "growth-limit",
        reason: text("at most 1020 GiB by resize2fs, but the manifest declares 1 TiB"),
        fix: text('set size = "1048448MiB" or less'),
      },
    ],
  },
  {
    name: "ext4 with 1 KiB blocks declared 1000 GiB: grown",
    volume: desiredVolume({ size: 1000 * GIB }),
    observed: {
      entry: observedFile({ size: 64 * MIB, filesystem: foundFs(64 * MIB, { ext: smallExt }) }),
    },
    extra: { filesystems: [bigHost] },
    expected: [{ kind: "grow-image" }, { kind: "grow-filesystem" }],
  },
  {
    name: "ext2 without 64bit: block numbers stay below 2^32 (16 TiB at 4 KiB)",
    volume: desiredVolume({ size: 17 * TIB, format: { type: "ext2" } }),
    observed: {
      entry: observedFile({
        size: 1 * GIB,
        filesystem: foundFs(1 * GIB, {
          type: "ext2",
          ext: {
            ...smallExt,
            blockSize: 4096,
            blocksPerGroup: 32768,
            firstDataBlock: 0,
            descriptorSize: 32,
            blocks64: false,
          },
        }),
      }),
    },
    extra: { filesystems: [bigHost] },
    expected: [{ kind: "refuse", refusal: "growth-limit", reason: text("at most 16 TiB") }],
  },
  {
    name: "a seed whose ext4 cannot grow that far is refused before copying",
    volume: desiredVolume({ size: 1 * TIB, seed: { from: SEED } }),
    extra: { seeds: [seed64({ ext: smallExt })] },
    expected: [{ kind: "refuse", refusal: "growth-limit", reason: text("of the seed copied to") }],
  },
  {
    name: "growth left to the guest is not bounded by resize2fs",
    volume: desiredVolume({ size: 1 * TIB, growFilesystem: "guest" }),
    observed: {
      entry: observedFile({ size: 64 * MIB, filesystem: foundFs(64 * MIB, { ext: smallExt }) }),
    },
    extra: { filesystems: [bigHost] },
    expected: [{ kind: "grow-image", filesystem_grown_by: "guest" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "btrfs grown by the host to less than 256 MiB: refused (the kernel will not resize it)",
    volume: desiredVolume({ size: 200 * MIB, format: { type: "btrfs" } }),
    observed: {
      entry: observedFile({ size: 128 * MIB, filesystem: foundFs(128 * MIB, { type: "btrfs" }) }),
    },
    expected: [
      { kind: "refuse", refusal: "growth-limit", fix: text('set size = "256MiB" or more') },
    ],
  },
  {
    name: "btrfs that fills its image is left alone however small",
    volume: desiredVolume({ size: 128 * MIB, format: { type: "btrfs" } }),
    observed: {
      entry: observedFile({
        size: 128 * MIB,
        filesystem: foundFs(128 * MIB - 4096, { type: "btrfs" }),
      }),
    },
    expected: [{ kind: "no-change" }],
  },
  // impossible targets
  {
    name: "a path on procfs is refused at plan time",
    volume: desiredVolume({ path: "/proc/vm.img" }),
    observed: { filesystem: "0:22" },
    extra: { filesystems: [hostFs({ id: "0:22", type: "proc", mountPoint: "/proc" })] },
    expected: [
      { kind: "refuse", refusal: "unsupported-filesystem", reason: text("a proc filesystem") },
    ],
  },
  {
    name: "a size beyond ext4's largest file (4 KiB blocks) is refused at plan time",
    volume: desiredVolume({ size: 17 * TIB, growFilesystem: "guest" }),
    extra: { filesystems: [hostFs({ total: 100 * TIB, free: 50 * TIB })] },
    expected: [{ kind: "refuse", refusal: "file-too-large", reason: text("at most 16 TiB") }],
  },
  {
    name: "growing past the largest file is refused too",
    volume: desiredVolume({ size: 17 * TIB, growFilesystem: "guest" }),
    observed: { entry: observedFile({ size: 1 * GIB, filesystem: foundFs(1 * GIB) }) },
    extra: { filesystems: [hostFs({ total: 100 * TIB, free: 50 * TIB })] },
    expected: [{ kind: "refuse", refusal: "file-too-large" }],
  },
  {
    name: "the same size on xfs is fine",
    volume: desiredVolume({ size: 17 * TIB, growFilesystem: "guest" }),
    extra: { filesystems: [bigHost] },
    expected: [{ kind: "create" }],
  },
  // allocation drift
  {
    name: "a preallocated image with holes is allocated again",
    volume: desiredVolume({ size: 8 * GIB, allocation: "preallocate" }),
    observed: { entry: observedFile({ allocated: 2 * GIB }) },
    expected: [
      { kind: "allocate", size: 8 * GIB, allocated: 2 * GIB, consumes: { bytes: 6 * GIB } },
    ],
  },
  {
    name: "a preallocated image in use with holes: a warning, no write",
    volume: desiredVolume({ size: 8 * GIB, allocation: "preallocate" }),
    observed: { entry: observedFile({ allocated: 2 * GIB, holders: [qemu] }) },
    expected: [{ kind: "no-change" }],
    warnings: ["allocation-drift"],
  },
  {
    name: "allocation is not compared where st_blocks says nothing about it (zfs)",
    volume: desiredVolume({ size: 8 * GIB, allocation: "preallocate" }),
    observed: { entry: observedFile({ allocated: 2 * GIB }) },
    extra: { filesystems: [hostFs({ type: "zfs" })] },
    expected: [{ kind: "no-change" }],
  },
  // repairs
  {
    name: "a killed run was resizing it: e2fsck -f -y before anything else",
    volume: desiredVolume({ size: 16 * GIB }),
    observed: { entry: observedFile({ interrupted: true }) },
    expected: [
      { kind: "repair-filesystem", cause: "interrupted", mode: "yes", fs_type: "ext4" },
      { kind: "grow-image" },
      { kind: "grow-filesystem" },
    ],
  },
  {
    name: "a killed resize that had already written the new size: repaired, nothing to grow",
    volume: desiredVolume({ size: 8 * GIB }),
    observed: {
      entry: observedFile({
        interrupted: true,
        filesystem: foundFs(8 * GIB, { ext: { ...smallExt, errors: true } }),
      }),
    },
    expected: [{ kind: "repair-filesystem", cause: "interrupted", mode: "yes" }],
  },
  {
    name: "errors recorded in the superblock: e2fsck -f -p",
    volume: desiredVolume(),
    observed: {
      entry: observedFile({ filesystem: foundFs(8 * GIB, { ext: { ...smallExt, errors: true } }) }),
    },
    expected: [{ kind: "repair-filesystem", cause: "errors", mode: "preen" }],
  },
  {
    name: "errors recorded while in use: a warning, no write",
    volume: desiredVolume(),
    observed: {
      entry: observedFile({
        holders: [qemu],
        filesystem: foundFs(8 * GIB, { ext: { ...smallExt, errors: true } }),
      }),
    },
    expected: [{ kind: "no-change" }],
    warnings: ["filesystem-errors"],
  },
  {
    name: "a killed resize of an image now in use: refused until it is free",
    volume: desiredVolume(),
    observed: { entry: observedFile({ interrupted: true, holders: [qemu] }) },
    expected: [
      { kind: "refuse", refusal: "in-use", reason: text("checked after a killed volplan run") },
    ],
  },
];

describe("plan: converging in one apply", () => {
  it.each(cases)("$name", (c) => expectPlanCase(c));

  it("a raw volume's guest-grown filesystem gets advice that validates (declare its type too)", () => {
    const volume = desiredVolume({ size: 1 * GIB, format: raw, growFilesystem: "guest" });
    const desired = desiredState({ volumes: [volume] });
    const entry = observedFile({ size: 512 * MIB, filesystem: foundFs(512 * MIB) });
    const snapshot = snapshotWith({ desired, volumes: { [volume.id]: { entry } } });
    const [warning] = plan(desired, snapshot).warnings;
    expect(warning?.message).toContain('declare format.type = "ext4" with growFilesystem = "host"');
  });

  it("every new refusal names the volume and path, says what was found and ends with its fix", () => {
    const refusals = cases.flatMap((c) => {
      const desired = desiredState({ volumes: [c.volume] });
      const volumes = c.observed ? { [c.volume.id]: c.observed } : {};
      const snapshot = snapshotWith({ desired, ...c.extra, volumes });
      return plan(desired, snapshot).actions.filter((a) => a.kind === "refuse");
    });
    const codes = new Set(refusals.map((r) => r.refusal));
    for (const code of [
      "seed-unusable",
      "growth-limit",
      "unsupported-filesystem",
      "file-too-large",
    ])
      expect(codes).toContain(code);
    for (const r of refusals) {
      expect(r.reason.startsWith(`volume ${r.volume}: `)).toBe(true);
      expect(r.reason).toContain(r.path);
      expect(r.found).not.toBe("");
      expect(r.reason.toLowerCase()).toContain(r.fix.toLowerCase());
    }
  });

  it('tells swap to be recreated in the guest, never to set growFilesystem = "host"', () => {
    const volume = desiredVolume({
      size: 256 * MIB,
      format: raw,
      growFilesystem: "none",
      seed: { from: SEED },
    });
    const desired = desiredState({ volumes: [volume] });
    const [warning] = plan(
      desired,
      snapshotWith({ desired, seeds: [seed64({ type: "swap" })] }),
    ).warnings;
    expect(warning?.message).toContain("mkswap");
    expect(warning?.message).not.toContain("growFilesystem");
  });
});
