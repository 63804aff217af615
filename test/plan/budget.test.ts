// The space budget and sparse overcommit, per host filesystem.
import { describe, expect, it } from "vitest";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import { plan } from "../../src/plan/plan.js";
import { shortfall } from "../../src/plan/space-budget.js";
import {
  GIB,
  HOST_FS,
  MIB,
  TIB,
  desiredState,
  desiredVolume,
  hostFs,
  observedFile,
  snapshotWith,
  tempFile,
} from "./builders.js";

const meta = (gib: number) => mkfsMetadataEstimate("ext4", gib * GIB);

describe("space budget", () => {
  it("sums consumption per filesystem against free space minus the reserve", () => {
    const desired = desiredState({
      volumes: [
        desiredVolume({ id: "a", allocation: "preallocate", size: 100 * GIB }),
        desiredVolume({ id: "b", size: 20 * GIB }),
      ],
      policy: { reserve: { kind: "percent", percent: 5 } },
    });
    const result = plan(desired, snapshotWith({ desired }));
    const reserve = Math.ceil((TIB * 5) / 100);
    const needed = 100 * GIB + meta(20);
    expect(result.feasible).toBe(true);
    expect(result.filesystems).toEqual([
      {
        id: HOST_FS,
        mount_point: "/var/lib",
        fs_type: "ext4",
        total: TIB,
        free: 500 * GIB,
        reserve,
        needed,
        remaining: 500 * GIB - reserve - needed,
        feasible: true,
        sparse_declared: 20 * GIB - meta(20),
        overcommit: "none",
        consumers: [
          { subject: "a", kind: "create", bytes: 100 * GIB },
          { subject: "b", kind: "create", bytes: meta(20) },
        ],
      },
    ]);
  });

  it("is infeasible when the plan does not fit, and says by how much and who needs what", () => {
    const desired = desiredState({
      volumes: [
        desiredVolume({ id: "small", allocation: "zero", size: 100 * GIB }),
        desiredVolume({ id: "big", allocation: "preallocate", size: 450 * GIB }),
      ],
      policy: { reserve: { kind: "bytes", bytes: 10 * GIB } },
    });
    const result = plan(desired, snapshotWith({ desired }));
    const [fs] = result.filesystems;
    expect(result.feasible).toBe(false);
    expect(fs).toMatchObject({
      feasible: false,
      reserve: 10 * GIB,
      needed: 550 * GIB,
      remaining: -60 * GIB,
    });
    expect(shortfall(fs!)).toBe(60 * GIB);
    expect(fs!.consumers.map((c) => [c.subject, c.bytes])).toEqual([
      ["big", 450 * GIB],
      ["small", 100 * GIB],
    ]);
    // The actions are still all there: apply touches nothing, the renderer explains why.
    expect(result.actions.map((a) => a.kind)).toEqual(["create", "create"]);
  });

  it("counts the space a reclaimed temp file frees before what the creates need", () => {
    // A kill mid-create on a nearly full filesystem left 60 MiB behind; reclaiming it runs first.
    const desired = desiredState({
      volumes: [desiredVolume({ id: "a", allocation: "preallocate", size: 96 * MIB })],
      policy: { reserve: { kind: "bytes", bytes: 0 } },
    });
    const snapshot = snapshotWith({
      desired,
      filesystems: [hostFs({ total: 256 * MIB, free: 40 * MIB })],
      tempFiles: [tempFile({ volume: "a", size: 96 * MIB, allocated: 60 * MIB })],
    });
    const result = plan(desired, snapshot);
    expect(result.actions.map((a) => a.kind)).toEqual(["remove-temp", "create"]);
    expect(result.feasible).toBe(true);
    expect(result.filesystems[0]).toMatchObject({
      free: 40 * MIB,
      freed: 60 * MIB,
      needed: 96 * MIB,
      remaining: 4 * MIB,
      feasible: true,
    });
  });

  it("counts nothing freed for a temp file that is a second name of its image", () => {
    // A kill between link() and unlink() leaves the new image with two names.
    const desired = desiredState({
      volumes: [desiredVolume({ id: "a", allocation: "preallocate", size: 96 * MIB })],
      policy: { reserve: { kind: "bytes", bytes: 0 } },
    });
    const snapshot = snapshotWith({
      desired,
      volumes: {
        a: { entry: observedFile({ size: 96 * MIB, allocated: 96 * MIB, ino: 77, nlink: 2 }) },
      },
      filesystems: [hostFs({ total: 256 * MIB, free: 40 * MIB })],
      tempFiles: [
        tempFile({ volume: "a", size: 96 * MIB, allocated: 96 * MIB, ino: 77, nlink: 2 }),
      ],
    });
    const result = plan(desired, snapshot);
    expect(result.actions).toMatchObject([
      { kind: "remove-temp", frees: 0 },
      { kind: "no-change" },
    ]);
    expect(result.filesystems[0]?.freed ?? 0).toBe(0);
  });

  it("does not count a reclaimable temp file's second name of the image as a hard link", () => {
    const desired = desiredState({ volumes: [desiredVolume({ id: "a", size: 128 * MIB })] });
    const snapshot = snapshotWith({
      desired,
      volumes: { a: { entry: observedFile({ size: 96 * MIB, ino: 77, nlink: 2 }) } },
      tempFiles: [tempFile({ volume: "a", size: 96 * MIB, ino: 77, nlink: 2 })],
    });
    const kinds = plan(desired, snapshot).actions.map((a) => a.kind);
    expect(kinds).toEqual(["remove-temp", "grow-image", "grow-filesystem"]);
  });

  it("a filesystem with nothing to write stays feasible even when full", () => {
    const desired = desiredState({ volumes: [desiredVolume()] });
    const snapshot = snapshotWith({
      desired,
      volumes: { "web/root": { entry: observedFile() } },
      filesystems: [hostFs({ free: 0 })],
    });
    const result = plan(desired, snapshot);
    expect(result.feasible).toBe(true);
    expect(result.filesystems[0]).toMatchObject({ needed: 0, feasible: true });
  });

  it("budgets each filesystem separately, sorted by id", () => {
    const desired = desiredState({
      volumes: [
        desiredVolume({ id: "a", allocation: "preallocate", size: 50 * GIB }),
        desiredVolume({ id: "b", allocation: "preallocate", size: 50 * GIB }),
      ],
    });
    const snapshot = snapshotWith({
      desired,
      volumes: { a: { filesystem: "259:3" } },
      filesystems: [
        hostFs(),
        hostFs({ id: "259:3", mountPoint: "/srv", total: 100 * GIB, free: 40 * GIB }),
      ],
    });
    const result = plan(desired, snapshot);
    expect(result.filesystems.map((f) => [f.id, f.feasible])).toEqual([
      ["259:3", false],
      ["8:1", true],
    ]);
    expect(result.feasible).toBe(false);
  });

  it("counts artifact downloads in the budget", () => {
    const desired = desiredState({
      volumes: [],
      artifacts: [
        {
          name: "kexec",
          source: {
            kind: "urls",
            urls: ["https://example.org/kexec.tar.gz"],
            fileName: "kexec.tar.gz",
          },
          hash: { hex: "a".repeat(64), sri: "sha256-qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqo=" },
          size: 350 * MIB,
        },
      ],
    });
    const snapshot = snapshotWith({
      desired,
      artifacts: {
        kexec: {
          path: "/var/lib/volplan/cache/x",
          filesystem: HOST_FS,
          state: "missing",
          actualHash: null,
          partialBytes: 0,
        },
      },
    });
    const result = plan(desired, snapshot);
    expect(result.actions.map((a) => a.kind)).toEqual(["artifact-fetch"]);
    expect(result.filesystems[0]!.consumers).toEqual([
      { subject: "kexec", kind: "artifact-fetch", bytes: 350 * MIB },
    ]);
    expect(result.summary).toMatchObject({ fetch: 1 });
  });
});

describe("sparse overcommit", () => {
  // 100 GiB free, 5% of 1 TiB reserved (51.2 GiB): ~48.8 GiB remain for sparse growth.
  const fs = hostFs({ free: 100 * GIB });
  const three = (policy: "warn" | "refuse" | "ignore") =>
    desiredState({
      volumes: [
        desiredVolume({ id: "a", size: 20 * GIB }),
        desiredVolume({ id: "b", size: 20 * GIB }),
        desiredVolume({ id: "c", size: 20 * GIB }),
      ],
      policy: { overcommit: policy },
    });

  it("warns with the ratio when sparse volumes could outgrow what is left", () => {
    const desired = three("warn");
    const result = plan(desired, snapshotWith({ desired, filesystems: [fs] }));
    expect(result.actions.map((a) => a.kind)).toEqual(["create", "create", "create"]);
    expect(result.filesystems[0]).toMatchObject({
      overcommit: "warn",
      sparse_declared: 3 * (20 * GIB - meta(20)),
    });
    expect(result.warnings).toEqual([
      {
        code: "overcommit",
        subject: HOST_FS,
        message: expect.stringMatching(
          /^sparse volumes on \/var\/lib could grow by 60 GiB, 1\.2× the 48\.\d GiB left after this plan/,
        ) as unknown,
      },
    ]);
  });

  it("counts existing sparse images towards the overcommit", () => {
    const desired = desiredState({ volumes: [desiredVolume({ size: 80 * GIB })] });
    const snapshot = snapshotWith({
      desired,
      volumes: { "web/root": { entry: observedFile({ size: 80 * GIB, allocated: GIB }) } },
      filesystems: [fs],
    });
    const result = plan(desired, snapshot);
    expect(result.actions.map((a) => a.kind)).toEqual(["no-change"]);
    expect(result.filesystems[0]).toMatchObject({ sparse_declared: 79 * GIB, overcommit: "warn" });
  });

  it("under policy refuse, refuses sparse creates from the one that exceeds what is left", () => {
    const desired = three("refuse");
    const result = plan(desired, snapshotWith({ desired, filesystems: [fs] }));
    expect(result.actions.map((a) => [a.kind, a.kind === "refuse" ? a.refusal : ""])).toEqual([
      ["create", ""],
      ["create", ""],
      ["refuse", "overcommit"],
    ]);
    expect(result.actions[2]!.reason).toMatch(
      /^volume c: creating \/var\/lib\/microvms\/c\.img \(20 GiB sparse\) would let sparse volumes on \/var\/lib grow by/,
    );
    expect(result.filesystems[0]).toMatchObject({
      overcommit: "refuse",
      sparse_declared: 2 * (20 * GIB - meta(20)),
    });
    expect(result.summary).toMatchObject({ create: 2, refused: 1 });
    expect(result.warnings).toEqual([]);
  });

  it("under policy refuse, a refused growth drops its filesystem growth too", () => {
    const desired = desiredState({
      volumes: [desiredVolume({ size: 90 * GIB })],
      policy: { overcommit: "refuse" },
    });
    const snapshot = snapshotWith({
      desired,
      volumes: { "web/root": { entry: observedFile() } },
      filesystems: [fs],
    });
    const result = plan(desired, snapshot);
    expect(result.actions).toEqual([
      expect.objectContaining({ kind: "refuse", refusal: "overcommit" }),
    ]);
    expect(result.actions[0]!.reason).toContain("growing /var/lib/microvms/web/root.img to 90 GiB");
  });

  it("preallocated volumes never overcommit", () => {
    const desired = desiredState({
      volumes: [desiredVolume({ id: "a", size: 30 * GIB, allocation: "preallocate" })],
      policy: { overcommit: "refuse" },
    });
    const result = plan(desired, snapshotWith({ desired, filesystems: [fs] }));
    expect(result.actions.map((a) => a.kind)).toEqual(["create"]);
    expect(result.filesystems[0]).toMatchObject({ sparse_declared: 0, overcommit: "none" });
  });

  it("policy ignore grades none and says nothing", () => {
    const desired = three("ignore");
    const result = plan(desired, snapshotWith({ desired, filesystems: [fs] }));
    expect(result.actions.map((a) => a.kind)).toEqual(["create", "create", "create"]);
    expect(result.filesystems[0]!.overcommit).toBe("none");
    expect(result.warnings).toEqual([]);
  });
});
