// The snapshot a successful apply leaves, and the ideal host.
import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { idealSnapshot, simulateApply } from "../../src/plan/simulate.js";
import {
  GIB,
  HOST_FS,
  MIB,
  desiredState,
  desiredVolume,
  foundFs,
  observedFile,
  snapshotWith,
  tempFile,
} from "./builders.js";

describe("simulateApply", () => {
  const desired = desiredState({
    volumes: [
      desiredVolume({
        id: "new",
        allocation: "preallocate",
        format: { type: "xfs", label: "data" },
        owner: "microvm",
        mode: 0o660,
      }),
      desiredVolume({ id: "grow", size: 16 * GIB, owner: "microvm" }),
      desiredVolume({ id: "shrink", size: GIB }),
    ],
  });
  const snapshot = snapshotWith({
    desired,
    volumes: { grow: { entry: observedFile() }, shrink: { entry: observedFile() } },
    tempFiles: [tempFile({ volume: "new" })],
  });
  const first = plan(desired, snapshot);
  const after = simulateApply(desired, snapshot, first);

  it("creates, grows and fixes what the plan says; leaves refused volumes alone", () => {
    expect(after.volumes["new"]!.entry).toMatchObject({
      type: "file",
      size: 8 * GIB,
      allocated: 8 * GIB,
      uid: 995,
      mode: 0o660,
      filesystem: { type: "xfs", label: "data", size: 8 * GIB },
    });
    expect(after.volumes["grow"]!.entry).toMatchObject({
      size: 16 * GIB,
      uid: 995,
      filesystem: foundFs(16 * GIB),
    });
    expect(after.volumes["shrink"]).toEqual(snapshot.volumes["shrink"]);
    expect(after.tempFiles).toEqual([]);
  });

  it("reduces free space by what the plan consumed and adds back what it freed", () => {
    const consumed = first.actions.reduce((sum, a) => sum + a.consumes.bytes, 0);
    expect(after.filesystems[HOST_FS]!.free).toBe(
      snapshot.filesystems[HOST_FS]!.free - consumed + 3 * MIB,
    );
  });

  it("does not change its inputs", () => {
    expect(snapshot.volumes["new"]!.entry).toEqual({ type: "missing" });
    expect(snapshot.tempFiles).toHaveLength(1);
  });

  it("planning again finds only the refusal left", () => {
    expect(
      plan(desired, after).actions.map((a) => [a.kind, "volume" in a ? a.volume : ""]),
    ).toEqual([
      ["no-change", "grow"],
      ["no-change", "new"],
      ["refuse", "shrink"],
    ]);
  });
});

describe("idealSnapshot", () => {
  it("holds every volume as declared on one filesystem with stable fake ids", () => {
    const desired = desiredState({
      volumes: [
        desiredVolume({ id: "a", owner: "zed", group: "kvm" }),
        desiredVolume({
          id: "b",
          owner: "alice",
          group: 7,
          kind: "block-device",
          path: "/dev/zd0",
        }),
      ],
    });
    const ideal = idealSnapshot(desired);
    expect(ideal.users).toEqual({ root: 0, alice: 1000, zed: 1001 });
    expect(ideal.groups).toEqual({ root: 0, kvm: 1000 });
    expect(Object.keys(ideal.filesystems)).toEqual(["0:1"]);
    expect(ideal.filesystems["0:1"]!.mountPoint).toBe("/");
    expect(ideal.volumes["a"]).toMatchObject({
      filesystem: "0:1",
      pathProblem: null,
      entry: { type: "file", uid: 1001, gid: 1000 },
    });
    expect(ideal.volumes["b"]!.entry).toMatchObject({ type: "block-device", size: 8 * GIB });
    expect(plan(desired, ideal).actions.map((a) => a.kind)).toEqual(["no-change", "no-change"]);
  });
});
