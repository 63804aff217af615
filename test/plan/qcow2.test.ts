// Table tests for qcow2 volumes: create, convert, back, grow, and every refusal volplan makes
// instead of converting, rebasing or shrinking; and planning against the simulated result is empty.
import { describe, expect, it } from "vitest";
import type { DesiredVolume } from "../../src/manifest/desired.js";
import { qcow2CreateBytes, qcow2OverlayBytes } from "../../src/plan/consumption.js";
import { plan } from "../../src/plan/plan.js";
import { simulateApply } from "../../src/plan/simulate.js";
import type { FoundImage, Holder, ObservedSeed } from "../../src/plan/snapshot.js";
import type { VolumeObservation } from "./builders.js";
import {
  GIB,
  MIB,
  desiredState,
  desiredVolume,
  foundFs,
  observedFile,
  seedImage,
  snapshotWith,
} from "./builders.js";

const BASE = "/nix/store/abc-base.img";
const q = (overrides: Parameters<typeof desiredVolume>[0] = {}): DesiredVolume =>
  desiredVolume({ imageFormat: "qcow2", growFilesystem: "guest", ...overrides });
const header = (overrides: Partial<Extract<FoundImage, { format: "qcow2" }>> = {}): FoundImage => ({
  format: "qcow2",
  version: 3,
  virtualSize: 8 * GIB,
  clusterSize: 65536,
  backing: null,
  dirty: false,
  corrupt: false,
  unsupported: null,
  ...overrides,
});
const qfile = (image: FoundImage, overrides = {}): VolumeObservation => ({
  entry: observedFile({
    size: image.format === "qcow2" ? image.virtualSize : 8 * GIB,
    allocated: MIB,
    filesystem: null,
    image,
    ...overrides,
  }),
});
const rawBase = seedImage(BASE, { image: { format: "raw" }, foundFilesystem: foundFs(2 * GIB) });
const qcowBase = seedImage(BASE, {
  size: 300 * MIB,
  image: header({ virtualSize: 4 * GIB }),
  foundFilesystem: null,
});
const backed = (format: "raw" | "qcow2" | null = "raw") =>
  header({ backing: { file: BASE, format } });
const qemu: Holder = { pid: 812, command: "qemu-system-x86", how: "ofd-lock" };

interface Case {
  readonly name: string;
  readonly volume: DesiredVolume;
  readonly observed?: VolumeObservation;
  readonly seeds?: readonly ObservedSeed[];
  readonly expected: readonly Record<string, unknown>[];
  readonly warnings?: readonly string[];
}

const text = (s: string) => expect.stringContaining(s) as unknown;

const cases: Case[] = [
  {
    name: "missing: a lean filesystem converted to qcow2",
    volume: q(),
    expected: [
      {
        kind: "create",
        image_format: "qcow2",
        allocation: "sparse",
        size: 8 * GIB,
        consumes: { bytes: qcow2CreateBytes({ type: "ext4", size: 8 * GIB }) },
        reason: text("not inspected afterwards"),
      },
    ],
  },
  {
    name: "missing, format none: an empty qcow2 image",
    volume: q({ format: { type: "none" }, growFilesystem: "none" }),
    expected: [{ kind: "create", image_format: "qcow2", reason: text("qemu-img create") }],
  },
  {
    name: "missing, backing seed: a thin overlay recording the base and its format",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    seeds: [rawBase],
    expected: [
      {
        kind: "seed",
        mode: "backing",
        backing_format: "raw",
        from: BASE,
        image_format: "qcow2",
        consumes: { bytes: qcow2OverlayBytes(8 * GIB) },
      },
    ],
    warnings: ["growth-by-guest"],
  },
  {
    name: "missing, backing seed that is a qcow2 image: its virtual size and format",
    volume: q({ seed: { from: BASE, mode: "backing" }, size: 4 * GIB }),
    seeds: [qcowBase],
    expected: [{ kind: "seed", mode: "backing", backing_format: "qcow2" }],
  },
  {
    name: "missing, copy seed: converted with qemu-img convert",
    volume: q({ seed: { from: BASE } }),
    seeds: [rawBase],
    expected: [{ kind: "seed", mode: "copy", image_format: "qcow2", reason: text("convert") }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "missing, backing seed missing: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    seeds: [seedImage(BASE, { exists: false })],
    expected: [{ kind: "refuse", refusal: "seed-missing" }],
  },
  {
    name: "missing, backing seed through a symlink: refused (the link may move)",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    seeds: [{ ...rawBase, resolved: "/nix/store/xyz-base.img" }],
    expected: [{ kind: "refuse", refusal: "seed-unusable", reason: text("symlink") }],
  },
  {
    name: "missing, copy seed through a symlink: converted (the copy reads it once)",
    volume: q({ seed: { from: BASE } }),
    seeds: [{ ...rawBase, resolved: "/nix/store/xyz-base.img" }],
    expected: [{ kind: "seed", mode: "copy" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "existing overlay whose declared base is now a symlink: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    observed: qfile(backed()),
    seeds: [{ ...rawBase, resolved: "/nix/store/xyz-base.img" }],
    expected: [{ kind: "refuse", refusal: "seed-unusable" }],
  },
  {
    name: "missing, base larger than declared (virtual size): refused",
    volume: q({ seed: { from: BASE, mode: "backing" }, size: 2 * GIB }),
    seeds: [qcowBase],
    expected: [{ kind: "refuse", refusal: "seed-too-large" }],
  },
  {
    name: "missing, base with an unreadable header: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    seeds: [seedImage(BASE, { image: { format: "unreadable", problem: "version 9" } })],
    expected: [{ kind: "refuse", refusal: "seed-unusable", reason: text("version 9") }],
  },
  {
    name: "missing, raw base with another label: refused (no relabel inside qcow2)",
    volume: q({ seed: { from: BASE, mode: "backing" }, format: { label: "data" } }),
    seeds: [rawBase],
    expected: [{ kind: "refuse", refusal: "label-differs" }],
  },
  {
    name: "existing at the declared virtual size: no change, not inspected",
    volume: q(),
    observed: qfile(header()),
    expected: [{ kind: "no-change", size: 8 * GIB, reason: text("not inspected") }],
  },
  {
    name: "existing, marked dirty: a warning with the check to run",
    volume: q(),
    observed: qfile(header({ dirty: true })),
    expected: [{ kind: "no-change" }],
    warnings: ["image-dirty"],
  },
  {
    name: "existing, smaller: qemu-img resize, grown by the guest",
    volume: q({ size: 16 * GIB }),
    observed: qfile(header()),
    expected: [
      {
        kind: "grow-image",
        image_format: "qcow2",
        from: 8 * GIB,
        to: 16 * GIB,
        filesystem_grown_by: "guest",
      },
    ],
    warnings: ["growth-by-guest"],
  },
  {
    name: "existing, smaller, format none: the guest grows what it holds (not inspected)",
    volume: q({ size: 16 * GIB, format: { type: "none" }, growFilesystem: "none" }),
    observed: qfile(header()),
    expected: [{ kind: "grow-image", filesystem_grown_by: "guest" }],
    warnings: ["growth-by-guest"],
  },
  {
    name: "existing, smaller, held by a VM: refused",
    volume: q({ size: 16 * GIB }),
    observed: qfile(header(), { holders: [qemu] }),
    expected: [{ kind: "refuse", refusal: "in-use" }],
  },
  {
    name: "existing, larger: shrink refused",
    volume: q({ size: 4 * GIB }),
    observed: qfile(header()),
    expected: [{ kind: "refuse", refusal: "shrink" }],
  },
  {
    name: "existing raw file where qcow2 is declared: refused, never converted",
    volume: q(),
    observed: qfile({ format: "raw" }, { filesystem: foundFs(8 * GIB) }),
    expected: [{ kind: "refuse", refusal: "image-format-differs" }],
  },
  {
    name: "existing, corrupt: refused",
    volume: q({ size: 16 * GIB }),
    observed: qfile(header({ corrupt: true })),
    expected: [{ kind: "refuse", refusal: "image-unusable", reason: text("corrupt") }],
  },
  {
    name: "existing, encrypted: refused",
    volume: q(),
    observed: qfile(header({ unsupported: "it is encrypted" })),
    expected: [{ kind: "refuse", refusal: "image-unusable", reason: text("encrypted") }],
  },
  {
    name: "existing overlay with the declared base: no change",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    observed: qfile(backed()),
    seeds: [rawBase],
    expected: [{ kind: "no-change", reason: text(`backed by ${BASE} (raw)`) }],
  },
  {
    name: "existing overlay of another base: refused, never rebased",
    volume: q({ seed: { from: "/nix/store/new-base.img", mode: "backing" } }),
    observed: qfile(backed()),
    seeds: [seedImage("/nix/store/new-base.img", { image: { format: "raw" } })],
    expected: [{ kind: "refuse", refusal: "backing-differs", reason: text("never rebases") }],
  },
  {
    name: "existing overlay recording another backing format: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    observed: qfile(backed("qcow2")),
    seeds: [rawBase],
    expected: [{ kind: "refuse", refusal: "backing-differs" }],
  },
  {
    name: "existing standalone image where a backing base is declared: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    observed: qfile(header()),
    seeds: [rawBase],
    expected: [{ kind: "refuse", refusal: "backing-differs" }],
  },
  {
    name: "existing overlay whose base is gone: refused",
    volume: q({ seed: { from: BASE, mode: "backing" } }),
    observed: qfile(backed()),
    seeds: [seedImage(BASE, { exists: false })],
    expected: [{ kind: "refuse", refusal: "seed-missing" }],
  },
  {
    name: "existing overlay where no backing file is declared: refused",
    volume: q(),
    observed: qfile(backed()),
    expected: [{ kind: "refuse", refusal: "backing-differs", reason: text("never rebases") }],
  },
];

describe("plan: qcow2 volumes", () => {
  it.each(cases)("$name", ({ volume, observed, seeds, expected, warnings }) => {
    const desired = desiredState({ volumes: [volume] });
    const snapshot = snapshotWith({
      desired,
      ...(seeds === undefined ? {} : { seeds }),
      volumes: observed ? { [volume.id]: observed } : {},
    });
    const result = plan(desired, snapshot);
    expect(result.actions.map((a) => a.kind)).toEqual(expected.map((e) => e["kind"]));
    expected.forEach((e, i) => expect(result.actions[i]).toMatchObject(e));
    expect(result.warnings.map((w) => w.code)).toEqual(warnings ?? []);
    for (const action of result.actions)
      if (action.kind === "refuse") expect(action.reason).toMatch(/^volume web\/root: .*\.$/);
  });

  it.each(cases.filter((c) => c.expected[0]?.["kind"] !== "refuse"))(
    "is empty after the apply it plans: $name",
    ({ volume, observed, seeds }) => {
      const desired = desiredState({ volumes: [volume] });
      const snapshot = snapshotWith({
        desired,
        ...(seeds === undefined ? {} : { seeds }),
        volumes: observed ? { [volume.id]: observed } : {},
      });
      const after = simulateApply(desired, snapshot, plan(desired, snapshot));
      expect(plan(desired, after).actions.map((a) => a.kind)).toEqual(["no-change"]);
    },
  );
});

describe("plan: qcow2 space", () => {
  it("counts a thin overlay's whole virtual size toward overcommit, not its base's allocation", () => {
    const volume = q({ seed: { from: BASE, mode: "backing" }, size: 400 * GIB });
    const desired = desiredState({ volumes: [volume] });
    const snapshot = snapshotWith({
      desired,
      seeds: [seedImage(BASE, { allocated: 300 * GIB, image: { format: "raw" } })],
    });
    const result = plan(desired, snapshot);
    const budget = result.filesystems[0];
    expect(budget?.sparse_declared).toBe(400 * GIB - qcow2OverlayBytes(400 * GIB));
    expect(budget?.overcommit).toBe("none");
    expect(result.warnings.map((w) => w.code)).toEqual(["growth-by-guest"]);
    const bigger = desiredState({ volumes: [{ ...volume, size: 600 * GIB }] });
    const over = plan(
      bigger,
      snapshotWith({ desired: bigger, seeds: Object.values(snapshot.seeds) }),
    );
    expect(over.filesystems[0]?.overcommit).toBe("warn");
    expect(over.warnings.map((w) => w.code)).toContain("overcommit");
  });
});
