// Table tests: one declared volume against one observed host state, every action kind and refusal.
import { describe, expect, it } from "vitest";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import type { Holder } from "../../src/plan/snapshot.js";
import {
  GIB,
  HOST_FS,
  KIB,
  MIB,
  desiredVolume,
  foundFs,
  hostFs,
  observedFile,
  seedImage,
  tempFile,
  expectPlanCase,
  planOfCase,
  type PlanCase,
} from "./builders.js";

const qemu: Holder = { pid: 812, command: "qemu-system-x86", how: "ofd-lock" };
const text = (s: string) => expect.stringContaining(s) as unknown;
const base = desiredVolume();
const path = base.path;

const cases: PlanCase[] = [
  // creation
  {
    name: "missing image: sparse create costs only the mkfs metadata estimate",
    volume: base,
    expected: [
      {
        kind: "create",
        volume: "web/root",
        path,
        size: 8 * GIB,
        allocation: "sparse",
        format: { type: "ext4", label: null, uuid: null, mkfs_args: [] },
        ownership: { uid: 0, gid: 0, mode: "0600" },
        consumes: { filesystem: HOST_FS, bytes: mkfsMetadataEstimate("ext4", 8 * GIB) },
      },
    ],
  },
  {
    name: "missing image, preallocate: consumes the whole size",
    volume: desiredVolume({ allocation: "preallocate" }),
    expected: [
      {
        kind: "create",
        allocation: "preallocate",
        consumes: { filesystem: HOST_FS, bytes: 8 * GIB },
      },
    ],
  },
  {
    name: "missing image, zero: consumes the whole size",
    volume: desiredVolume({ allocation: "zero" }),
    expected: [{ kind: "create", allocation: "zero", consumes: { bytes: 8 * GIB } }],
  },
  {
    name: "preallocate where fallocate is unsupported falls back to sparse with a note",
    volume: desiredVolume({ allocation: "preallocate" }),
    extra: {
      filesystems: [hostFs({ capabilities: { sparse: true, reflink: false, fallocate: false } })],
    },
    expected: [{ kind: "create", allocation: "sparse", note: text("does not support fallocate") }],
    warnings: ["allocation-fallback"],
  },
  {
    name: "raw image: no metadata",
    volume: desiredVolume({ format: { type: "none" }, growFilesystem: "none" }),
    expected: [{ kind: "create", format: { type: "none" }, consumes: { bytes: 0 } }],
  },
  {
    name: "named owner and group resolve through the snapshot",
    volume: desiredVolume({ owner: "microvm", group: "kvm", mode: 0o660 }),
    expected: [{ kind: "create", ownership: { uid: 995, gid: 302, mode: "0660" } }],
  },
  {
    name: "seed: copies the base image's allocated bytes",
    volume: desiredVolume({ seed: { from: "/nix/store/base.img" } }),
    extra: { seeds: [seedImage("/nix/store/base.img")] },
    expected: [
      { kind: "seed", from: "/nix/store/base.img", size: 8 * GIB, consumes: { bytes: 700 * MIB } },
    ],
    warnings: ["no-reflink"],
  },
  {
    name: "seed on a reflink filesystem costs nothing",
    volume: desiredVolume({ seed: { from: "/var/lib/base.img" } }),
    extra: {
      seeds: [seedImage("/var/lib/base.img")],
      filesystems: [hostFs({ capabilities: { sparse: true, reflink: true, fallocate: true } })],
    },
    expected: [{ kind: "seed", consumes: { bytes: 0 }, note: text("reflink") }],
  },
  {
    name: "seed on another filesystem cannot be reflinked",
    volume: desiredVolume({ seed: { from: "/nix/store/base.img" } }),
    extra: {
      seeds: [seedImage("/nix/store/base.img", { filesystem: "0:30" })],
      filesystems: [hostFs({ capabilities: { sparse: true, reflink: true, fallocate: true } })],
    },
    expected: [{ kind: "seed", consumes: { bytes: 700 * MIB } }],
  },
  {
    name: "seed smaller than declared, host grows: seed, then grow its filesystem to the size",
    volume: desiredVolume({ size: 256 * MIB, seed: { from: "/nix/store/base.img" } }),
    extra: {
      seeds: [
        seedImage("/nix/store/base.img", {
          size: 64 * MIB,
          allocated: 8 * MIB,
          foundFilesystem: foundFs(64 * MIB),
        }),
      ],
    },
    expected: [
      { kind: "seed", size: 256 * MIB },
      {
        kind: "grow-filesystem",
        fs_type: "ext4",
        from: 64 * MIB,
        to: 256 * MIB,
        method: "resize2fs",
        reason: text("copied from the seed"),
      },
    ],
    warnings: ["no-reflink"],
  },
  {
    name: "seed smaller than declared, guest grows: seed only, with a warning",
    volume: desiredVolume({
      size: 256 * MIB,
      seed: { from: "/nix/store/base.img" },
      growFilesystem: "guest",
    }),
    extra: {
      seeds: [
        seedImage("/nix/store/base.img", { size: 64 * MIB, foundFilesystem: foundFs(64 * MIB) }),
      ],
    },
    expected: [{ kind: "seed" }],
    warnings: ["growth-by-guest", "no-reflink"],
  },
  {
    name: "seed whose filesystem already fills the declared size: no grow",
    volume: desiredVolume({ size: 256 * MIB, seed: { from: "/nix/store/base.img" } }),
    extra: {
      seeds: [
        seedImage("/nix/store/base.img", { size: 256 * MIB, foundFilesystem: foundFs(256 * MIB) }),
      ],
    },
    expected: [{ kind: "seed" }],
    warnings: ["no-reflink"],
  },
  {
    name: "seed missing",
    volume: desiredVolume({ seed: { from: "/nix/store/base.img" } }),
    extra: { seeds: [seedImage("/nix/store/base.img", { exists: false })] },
    expected: [{ kind: "refuse", refusal: "seed-missing", fix: text("/nix/store/base.img") }],
  },
  {
    name: "seed larger than the declared size",
    volume: desiredVolume({ seed: { from: "/nix/store/base.img" } }),
    extra: { seeds: [seedImage("/nix/store/base.img", { size: 10 * GIB })] },
    expected: [{ kind: "refuse", refusal: "seed-too-large", fix: text('set size = "10GiB"') }],
  },
  // existing images
  {
    name: "existing image as declared: no change",
    volume: base,
    observed: { entry: observedFile() },
    expected: [{ kind: "no-change", size: 8 * GIB, consumes: { filesystem: HOST_FS, bytes: 0 } }],
  },
  {
    name: "larger than declared: shrink refused with the exact size to set",
    volume: desiredVolume({ size: 4 * GIB }),
    observed: { entry: observedFile() },
    expected: [
      {
        kind: "refuse",
        refusal: "shrink",
        found: "8 GiB",
        declared: "4 GiB",
        reason: `volume web/root: ${path} is 8 GiB but the manifest declares 4 GiB; volplan never shrinks. Set size = "8GiB", or remove the image yourself to recreate it (its data is lost).`,
      },
    ],
  },
  {
    name: "odd size larger than declared: the fix gives the exact bytes",
    volume: desiredVolume({ size: 4 * GIB }),
    observed: { entry: observedFile({ size: 8 * GIB + 512 }) },
    expected: [{ kind: "refuse", refusal: "shrink", fix: text(`set size = "${8 * GIB + 512}"`) }],
  },
  {
    name: "no superblock where ext4 is declared: unformatted",
    volume: base,
    observed: { entry: observedFile({ filesystem: null }) },
    expected: [
      { kind: "refuse", refusal: "unformatted", found: "no filesystem", declared: "ext4" },
    ],
  },
  {
    name: "xfs where ext4 is declared: type differs",
    volume: base,
    observed: { entry: observedFile({ filesystem: foundFs(8 * GIB, { type: "xfs" }) }) },
    expected: [{ kind: "refuse", refusal: "type-differs", fix: text('set format.type = "xfs"') }],
  },
  {
    name: "another label: label differs",
    volume: desiredVolume({ format: { label: "nixos" } }),
    observed: { entry: observedFile({ filesystem: foundFs(8 * GIB, { label: "old" }) }) },
    expected: [{ kind: "refuse", refusal: "label-differs", fix: text(`e2label ${path} nixos`) }],
  },
  {
    name: "declared none accepts any filesystem",
    volume: desiredVolume({ format: { type: "none" }, growFilesystem: "none" }),
    observed: { entry: observedFile({ filesystem: foundFs(8 * GIB, { type: "btrfs" }) }) },
    expected: [{ kind: "no-change" }],
  },
  {
    name: "smaller ext4 image grown by the host: grow-image then resize2fs",
    volume: desiredVolume({ size: 16 * GIB }),
    observed: { entry: observedFile() },
    expected: [
      {
        kind: "grow-image",
        from: 8 * GIB,
        to: 16 * GIB,
        allocation: "sparse",
        filesystem_grown_by: "host",
        consumes: { bytes: 0 },
      },
      {
        kind: "grow-filesystem",
        fs_type: "ext4",
        from: 8 * GIB,
        to: 16 * GIB,
        method: "resize2fs",
      },
    ],
  },
  {
    name: "preallocated growth consumes the new range",
    volume: desiredVolume({ size: 16 * GIB, allocation: "preallocate" }),
    observed: { entry: observedFile({ allocated: 8 * GIB }) },
    expected: [
      { kind: "grow-image", allocation: "preallocate", consumes: { bytes: 8 * GIB } },
      { kind: "grow-filesystem" },
    ],
  },
  {
    name: "xfs grown by the host through a loop mount",
    volume: desiredVolume({ size: 16 * GIB, format: { type: "xfs" } }),
    observed: { entry: observedFile({ filesystem: foundFs(8 * GIB, { type: "xfs" }) }) },
    expected: [
      { kind: "grow-image" },
      { kind: "grow-filesystem", fs_type: "xfs", method: "loop-mount" },
    ],
  },
  {
    name: "btrfs grown by the guest: only the file grows, with a warning",
    volume: desiredVolume({ size: 16 * GIB, format: { type: "btrfs" }, growFilesystem: "guest" }),
    observed: { entry: observedFile({ filesystem: foundFs(8 * GIB, { type: "btrfs" }) }) },
    expected: [{ kind: "grow-image", filesystem_grown_by: "guest" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "raw image grows alone",
    volume: desiredVolume({ size: 16 * GIB, format: { type: "none" }, growFilesystem: "none" }),
    observed: { entry: observedFile({ filesystem: null }) },
    expected: [{ kind: "grow-image", filesystem_grown_by: "none" }],
  },
  {
    name: "image already grown whose filesystem was not",
    volume: desiredVolume({ size: 16 * GIB }),
    observed: { entry: observedFile({ size: 16 * GIB, filesystem: foundFs(8 * GIB) }) },
    expected: [
      { kind: "grow-filesystem", from: 8 * GIB, to: 16 * GIB, reason: text("already grown") },
    ],
  },
  {
    name: "image cut short below its filesystem: growing it would shrink the filesystem, refused",
    volume: desiredVolume({ size: 16 * GIB }),
    observed: { entry: observedFile({ size: 8 * GIB, filesystem: foundFs(4096 * GIB) }) },
    expected: [{ kind: "refuse", refusal: "filesystem-unreadable", reason: text("4 TiB") }],
  },
  {
    name: "image cut short below its filesystem, guest grows: refused too",
    volume: desiredVolume({ size: 16 * GIB, growFilesystem: "guest" }),
    observed: { entry: observedFile({ size: 8 * GIB, filesystem: foundFs(12 * GIB) }) },
    expected: [{ kind: "refuse", refusal: "filesystem-unreadable" }],
  },
  {
    name: "image already grown, guest grows: a warning only",
    volume: desiredVolume({ size: 16 * GIB, growFilesystem: "guest" }),
    observed: { entry: observedFile({ size: 16 * GIB, filesystem: foundFs(8 * GIB) }) },
    expected: [{ kind: "no-change" }],
    warnings: ["filesystem-smaller-than-image"],
  },
  {
    name: "filesystem short of an odd-sized image by less than a block: no change",
    volume: desiredVolume({ size: GIB + 3 * KIB }),
    observed: { entry: observedFile({ size: GIB + 3 * KIB, filesystem: foundFs(GIB) }) },
    expected: [{ kind: "no-change" }],
  },
  {
    name: "growth of an image in use is refused, naming the holder",
    volume: desiredVolume({ size: 16 * GIB }),
    observed: { entry: observedFile({ holders: [qemu] }) },
    expected: [{ kind: "refuse", refusal: "in-use", found: text("pid 812 (qemu-system-x86)") }],
  },
  {
    name: "hard-linked image to grow: refused (a second name exists elsewhere), nothing written",
    volume: desiredVolume({ size: 16 * GIB, mode: 0o640 }),
    observed: { entry: observedFile({ nlink: 2 }) },
    expected: [
      {
        kind: "refuse",
        refusal: "hard-linked",
        reason: text(`${path} has 2 hard links: a second name for the same file exists elsewhere`),
        fix: text("remove the other link"),
      },
    ],
  },
  {
    name: "hard-linked image as declared: no change (nothing would be written)",
    volume: base,
    observed: { entry: observedFile({ nlink: 3 }) },
    expected: [{ kind: "no-change" }],
  },
  {
    name: "ownership is fixed even while in use",
    volume: desiredVolume({ owner: "microvm", group: "kvm", mode: 0o660 }),
    observed: { entry: observedFile({ holders: [qemu] }) },
    expected: [
      {
        kind: "set-ownership",
        from: { uid: 0, gid: 0, mode: "0600" },
        to: { uid: 995, gid: 302, mode: "0660" },
        consumes: { bytes: 0 },
      },
    ],
  },
  {
    name: "in use, growth refused, ownership still fixed",
    volume: desiredVolume({ size: 16 * GIB, mode: 0o640 }),
    observed: { entry: observedFile({ holders: [qemu] }) },
    expected: [{ kind: "set-ownership" }, { kind: "refuse", refusal: "in-use" }],
  },
  {
    name: "leftover temp file is reclaimed before the create",
    volume: base,
    extra: {
      tempFiles: [
        tempFile(),
        tempFile({ path: "/var/lib/microvms/.root.img.volplan-tmp-1-00000000", live: true }),
      ],
    },
    expected: [
      { kind: "remove-temp", frees: 3 * MIB, consumes: { filesystem: HOST_FS, bytes: 0 } },
      { kind: "create" },
    ],
  },
  // where the volume lives
  {
    name: "missing parent directory",
    volume: base,
    observed: {
      pathProblem: {
        code: "parent-missing",
        at: "/var/lib/microvms/web",
        detail: "no such directory",
      },
    },
    expected: [
      {
        kind: "refuse",
        refusal: "parent-missing",
        fix: "create /var/lib/microvms/web (for example with systemd.tmpfiles.rules), then run volplan again",
      },
    ],
  },
  {
    name: "symlinked parent",
    volume: base,
    observed: {
      pathProblem: {
        code: "symlinked-parent",
        at: "/var/lib/microvms",
        detail: "a symlink to /data",
      },
    },
    expected: [{ kind: "refuse", refusal: "unsafe-parent" }],
  },
  {
    name: "parent writable by others",
    volume: base,
    observed: {
      pathProblem: { code: "unsafe-parent", at: "/var/lib/microvms", detail: "mode 0777" },
    },
    expected: [
      { kind: "refuse", refusal: "unsafe-parent", fix: text("chmod go-w /var/lib/microvms") },
    ],
  },
  {
    name: "parent is a file",
    volume: base,
    observed: {
      pathProblem: {
        code: "parent-not-directory",
        at: "/var/lib/microvms/web",
        detail: "a regular file",
      },
    },
    expected: [{ kind: "refuse", refusal: "unsafe-parent" }],
  },
  {
    name: "symlink at the path",
    volume: base,
    observed: { entry: { type: "symlink", target: "/data/root.img" } },
    expected: [{ kind: "refuse", refusal: "symlink", found: "a symlink to /data/root.img" }],
  },
  {
    name: "directory at the path",
    volume: base,
    observed: { entry: { type: "directory" } },
    expected: [{ kind: "refuse", refusal: "not-a-file", found: "a directory" }],
  },
  {
    name: "block device where an image is declared",
    volume: base,
    observed: { entry: { type: "block-device", size: 8 * GIB, filesystem: null, holders: [] } },
    expected: [{ kind: "refuse", refusal: "not-a-file", fix: text('kind = "block-device"') }],
  },
  {
    name: "unknown owner",
    volume: desiredVolume({ owner: "nobody-here" }),
    expected: [{ kind: "refuse", refusal: "unknown-owner", found: 'no user "nobody-here"' }],
  },
  {
    name: "unknown group",
    volume: desiredVolume({ group: "nogroup-here" }),
    expected: [{ kind: "refuse", refusal: "unknown-owner", found: 'no group "nogroup-here"' }],
  },
  // block devices
  {
    name: "block device missing",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zd0" }),
    expected: [{ kind: "refuse", refusal: "device-missing" }],
  },
  {
    name: "block device whose parent is missing (a device link not there yet)",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zvol/tank/vm" }),
    observed: {
      pathProblem: { code: "parent-missing", at: "/dev/zvol/tank", detail: "does not exist" },
      entry: { type: "missing" },
    },
    expected: [
      {
        kind: "refuse",
        refusal: "device-missing",
        fix: text("zfs create -V"),
        consumes: { filesystem: "", bytes: 0 },
      },
    ],
  },
  {
    name: "block device whose size cannot be read",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zd0" }),
    observed: { entry: { type: "block-device", size: 0, filesystem: null, holders: [] } },
    expected: [
      { kind: "refuse", refusal: "device-too-small", fix: text("blockdev --getsize64 /dev/zd0") },
    ],
  },
  {
    name: "block device too small",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zd0" }),
    observed: {
      entry: { type: "block-device", size: 4 * GIB, filesystem: foundFs(4 * GIB), holders: [] },
    },
    expected: [{ kind: "refuse", refusal: "device-too-small", found: "4 GiB", declared: "8 GiB" }],
  },
  {
    name: "block device large enough",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zd0" }),
    observed: {
      entry: {
        type: "block-device",
        size: 10 * GIB,
        filesystem: foundFs(10 * GIB),
        holders: [qemu],
      },
    },
    // Never written: budgeted on no host filesystem (not the devtmpfs holding its node).
    expected: [{ kind: "no-change", size: 10 * GIB, consumes: { filesystem: "", bytes: 0 } }],
  },
  {
    name: "file where a block device is declared",
    volume: desiredVolume({ kind: "block-device", path: "/dev/zd0" }),
    observed: { entry: observedFile() },
    expected: [{ kind: "refuse", refusal: "not-a-file" }],
  },
];

describe("plan: one volume", () => {
  it.each(cases)("$name", (c) => expectPlanCase(c));

  it("every refusal names the volume and path and ends with its fix", () => {
    const refusals = cases.flatMap((c) => {
      return planOfCase(c).actions.filter((a) => a.kind === "refuse");
    });
    expect(new Set(refusals.map((r) => r.refusal)).size).toBe(16);
    for (const r of refusals) {
      expect(r.reason.startsWith(`volume ${r.volume}: `)).toBe(true);
      expect(r.reason).toContain(r.path.split("/").slice(0, -1).join("/"));
      expect(r.reason.toLowerCase()).toContain(r.fix.toLowerCase());
    }
  });
});
