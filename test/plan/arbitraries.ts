// fast-check generators of declared states and host snapshots with arbitrary existing images.
import fc from "fast-check";
import type { DesiredState, DesiredVolume, FsType } from "../../src/manifest/desired.js";
import type {
  ExtDetails,
  FoundFilesystem,
  FoundImage,
  Holder,
  ObservedEntry,
  ObservedFilesystem,
  ObservedVolume,
  PathProblem,
  Snapshot,
} from "../../src/plan/snapshot.js";
import { GIB, KIB, MIB } from "./builders.js";

const IDS = ["a", "b", "c/d", "Web/root", "z"] as const;
const FS_IDS = ["8:1", "259:3"] as const;
const SEED = "/seeds/base.img";
const TYPES: readonly FsType[] = ["ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "swap", "none"];
const SIZES = [64 * MIB, GIB, GIB + 3 * KIB, 8 * GIB, 20 * GIB, 100 * GIB + 512];

const sizeArb = fc.oneof(fc.constantFrom(...SIZES), fc.integer({ min: 1, max: 200 * GIB }));
const labelArb = fc.constantFrom(null, "nixos", "data");

function volumeArb(id: string): fc.Arbitrary<DesiredVolume> {
  return fc
    .record({
      kind: fc.constantFrom<DesiredVolume["kind"]>("image", "image", "image", "block-device"),
      size: sizeArb,
      allocation: fc.constantFrom<DesiredVolume["allocation"]>("sparse", "preallocate", "zero"),
      type: fc.constantFrom(...TYPES),
      label: labelArb,
      uuid: fc.constantFrom(null, "0b7c3f1e-2d4a-4c5b-9e6f-1a2b3c4d5e6f"),
      seeded: fc.boolean(),
      growFilesystem: fc.constantFrom<DesiredVolume["growFilesystem"]>("host", "guest", "none"),
      owner: fc.constantFrom<string | number>("root", "microvm", 0, 1000, "ghost"),
      group: fc.constantFrom<string | number>("root", "kvm", 0, 100),
      mode: fc.constantFrom(0o600, 0o660, 0o640),
      qcow2: fc.constantFrom(false, false, true),
      backing: fc.boolean(),
    })
    .map((r) => ({
      id,
      kind: r.kind,
      path: `/var/lib/microvms/${id}.img`,
      size: r.size,
      allocation: r.allocation,
      format: { type: r.type, label: r.label, uuid: r.uuid, mkfsArgs: [] },
      imageFormat: r.qcow2 ? ("qcow2" as const) : ("raw" as const),
      seed: r.seeded
        ? { from: SEED, mode: r.qcow2 && r.backing ? ("backing" as const) : ("copy" as const) }
        : null,
      // A qcow2 image's filesystem is never grown by the host (a manifest check).
      growFilesystem: r.qcow2 && r.growFilesystem === "host" ? "guest" : r.growFilesystem,
      owner: r.owner,
      group: r.group,
      mode: r.mode,
    }));
}

/** A desired state with a random subset of volumes and a random policy. */
export const desiredArb: fc.Arbitrary<DesiredState> = fc
  .record({
    ids: fc.subarray([...IDS], { minLength: 1 }),
    reserve: fc.oneof(
      fc.record({
        kind: fc.constant("percent" as const),
        percent: fc.integer({ min: 0, max: 20 }),
      }),
      fc.record({
        kind: fc.constant("bytes" as const),
        bytes: fc.integer({ min: 0, max: 50 * GIB }),
      }),
    ),
    overcommit: fc.constantFrom<DesiredState["policy"]["overcommit"]>("warn", "refuse", "ignore"),
  })
  .chain((r) =>
    fc.tuple(...r.ids.map(volumeArb)).map((volumes) => ({
      version: 1 as const,
      stateDir: "/var/lib/volplan",
      policy: { reserve: r.reserve, overcommit: r.overcommit },
      volumes,
      artifacts: [],
    })),
  );

const holderArb: fc.Arbitrary<Holder> = fc.record({
  pid: fc.constantFrom(null, 812),
  command: fc.constantFrom(null, "qemu-system-x86"),
  how: fc.constantFrom<Holder["how"]>("ofd-lock", "posix-lock", "flock", "open"),
});

// An ext superblock's geometry (1 KiB blocks as mke2fs makes small images, or 4 KiB; with or
// without 64bit) and whether it records errors.
const extArb: fc.Arbitrary<ExtDetails> = fc
  .record({ small: fc.boolean(), blocks64: fc.boolean(), errors: fc.boolean() })
  .map(({ small, blocks64, errors }) => ({
    blockSize: small ? 1024 : 4096,
    blocksPerGroup: small ? 8192 : 32768,
    firstDataBlock: small ? 1 : 0,
    descriptorSize: blocks64 ? 64 : 32,
    blocks64,
    errors,
  }));

function foundArb(imageSize: number): fc.Arbitrary<FoundFilesystem | null> {
  return fc.option(
    fc
      .record({
        type: fc.constantFrom<FoundFilesystem["type"]>(
          "ext2",
          "ext3",
          "ext4",
          "xfs",
          "btrfs",
          "vfat",
          "swap",
        ),
        label: labelArb,
        uuid: fc.constant(null),
        size: fc.oneof(fc.constant(imageSize), fc.integer({ min: 1, max: imageSize })),
        ext: extArb,
      })
      .map(({ ext, ...found }) => (found.type.startsWith("ext") ? { ...found, ext } : found)),
  );
}

// What a header read finds in a file of `size` bytes (read only for volumes declared qcow2; the
// planner must ignore it for raw ones): raw bytes, a qcow2 header of that virtual size, maybe
// backed by the seed or another base, flagged, or unreadable.
function imageArb(size: number): fc.Arbitrary<FoundImage> {
  return fc.oneof(
    fc.constant({ format: "raw" as const }),
    fc.constant({ format: "unreadable" as const, problem: "version 9" }),
    fc.record({
      format: fc.constant("qcow2" as const),
      version: fc.constant(3),
      virtualSize: fc.constant(size),
      clusterSize: fc.constant(65536),
      backing: fc.constantFrom(
        null,
        { file: SEED, format: "raw" },
        { file: SEED, format: "qcow2" },
        { file: "/elsewhere/base.img", format: "raw" },
      ),
      dirty: fc.boolean(),
      corrupt: fc.constantFrom(false, false, true),
      unsupported: fc.constantFrom(null, null, "it is encrypted"),
    }),
  );
}

const entryArb: fc.Arbitrary<ObservedEntry> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ type: "missing" as const }) },
  {
    weight: 6,
    arbitrary: sizeArb.chain((size) =>
      fc.record({
        type: fc.constant("file" as const),
        size: fc.constant(size),
        allocated: fc.integer({ min: 0, max: size }),
        uid: fc.constantFrom(0, 995, 1000),
        gid: fc.constantFrom(0, 302, 100),
        mode: fc.constantFrom(0o600, 0o660, 0o640),
        ino: fc.constant(7),
        mtimeMs: fc.constant(0),
        filesystem: foundArb(size),
        holders: fc.array(holderArb, { maxLength: 1 }),
        interrupted: fc.constantFrom(false, false, false, true),
        image: imageArb(size),
      }),
    ),
  },
  {
    weight: 1,
    arbitrary: sizeArb.chain((size) =>
      fc.record({
        type: fc.constant("block-device" as const),
        size: fc.constant(size),
        filesystem: foundArb(size),
        holders: fc.array(holderArb, { maxLength: 1 }),
      }),
    ),
  },
  { weight: 1, arbitrary: fc.constant({ type: "symlink" as const, target: "/elsewhere.img" }) },
  { weight: 1, arbitrary: fc.constant({ type: "directory" as const }) },
);

const problemArb: fc.Arbitrary<PathProblem | null> = fc.oneof(
  { weight: 9, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      code: fc.constantFrom<PathProblem["code"]>(
        "symlinked-parent",
        "unsafe-parent",
        "parent-missing",
        "parent-not-directory",
      ),
      at: fc.constant("/var/lib/microvms"),
      detail: fc.constant("as found"),
    }),
  },
);

const filesystemArb = (id: string): fc.Arbitrary<ObservedFilesystem> =>
  fc.record({
    id: fc.constant(id),
    mountPoint: fc.constant(id === "8:1" ? "/" : "/srv"),
    type: fc.constantFrom("ext4", "xfs", "btrfs", "zfs", "tmpfs", "ext2", "proc"),
    total: fc.constant(1024 * GIB),
    free: fc.integer({ min: 0, max: 1024 * GIB }),
    blockSize: fc.constant(4096),
    capabilities: fc.record({
      sparse: fc.constantFrom(true, false, null),
      reflink: fc.constantFrom(true, false, null),
      fallocate: fc.constantFrom(true, false, null),
    }),
  });

/** A snapshot for `desired` with arbitrary entries, filesystems, seed and temp files. */
export function snapshotArb(desired: DesiredState): fc.Arbitrary<Snapshot> {
  const volumeObs = desired.volumes.map((v) =>
    fc
      .record({ filesystem: fc.constantFrom(...FS_IDS), pathProblem: problemArb, entry: entryArb })
      .map((o): [string, ObservedVolume] => [v.id, { path: v.path, ...o }]),
  );
  return fc
    .record({
      volumes: fc.tuple(...volumeObs),
      filesystems: fc.tuple(...FS_IDS.map(filesystemArb)),
      seed: fc.record({
        path: fc.constant(SEED),
        exists: fc.boolean(),
        what: fc.constantFrom(undefined, undefined, "a FIFO", "a directory"),
        size: fc.constantFrom(0, 64 * MIB, GIB, 2 * GIB),
        allocated: fc.constantFrom(0, 20 * MIB),
        filesystem: fc.constantFrom<string | null>(...FS_IDS, null),
        foundFilesystem: fc.constantFrom<FoundFilesystem | null>(
          null,
          { type: "ext4", label: null, uuid: null, size: 64 * MIB },
          { type: "xfs", label: null, uuid: null, size: 60 * MIB },
        ),
        image: fc.constantFrom<FoundImage>(
          { format: "raw" },
          { format: "unreadable", problem: "version 9" },
          {
            format: "qcow2",
            version: 3,
            virtualSize: GIB,
            clusterSize: 65536,
            backing: null,
            dirty: false,
            corrupt: false,
            unsupported: null,
          },
        ),
      }),
      temps: fc.subarray(desired.volumes.map((v) => v.id)),
      live: fc.boolean(),
    })
    .map((r) => ({
      volumes: Object.fromEntries(r.volumes),
      filesystems: Object.fromEntries(r.filesystems.map((f) => [f.id, f])),
      tempFiles: r.temps.map((id, i) => ({
        path: `/var/lib/microvms/.${i}.img.volplan-tmp-1-0000000${i}`,
        volume: id,
        filesystem: "8:1",
        size: GIB,
        allocated: MIB,
        live: r.live && i === 0,
      })),
      // What stands at a seed path is named only when it is not a regular file.
      seeds: {
        [SEED]:
          r.seed.exists || r.seed.what === undefined
            ? (({ what: _what, ...seed }) => seed)(r.seed)
            : { ...r.seed, size: 0, allocated: 0, foundFilesystem: null },
      },
      artifacts: {},
      users: { root: 0, microvm: 995 },
      groups: { root: 0, kvm: 302 },
    }));
}

/** A desired state together with a snapshot of some host. */
export const scenarioArb = desiredArb.chain((desired) =>
  snapshotArb(desired).map((snapshot) => ({ desired, snapshot })),
);
