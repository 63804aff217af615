// Deterministic ordering, summaries, and independence of volumes.
import { selectDesired } from "../../src/manifest/select.js";
import { describe, expect, it } from "vitest";
import { plan } from "../../src/plan/plan.js";
import { sortActions } from "../../src/plan/sort-actions.js";
import type { Action } from "../../src/plan/types.js";
import {
  GIB,
  desiredState,
  desiredVolume,
  foundFs,
  observedFile,
  snapshotWith,
  tempFile,
} from "./builders.js";

describe("ordering", () => {
  const desired = desiredState({
    volumes: [
      desiredVolume({ id: "web/root", size: 16 * GIB, mode: 0o640 }),
      desiredVolume({
        id: "db/data",
        format: { type: "xfs" },
        growFilesystem: "guest",
        size: 16 * GIB,
      }),
      desiredVolume({ id: "Z/upper" }),
      desiredVolume({ id: "ci/cache", size: 4 * GIB }),
    ],
  });
  const snapshot = snapshotWith({
    desired,
    volumes: {
      "web/root": { entry: observedFile() },
      "db/data": { entry: observedFile({ filesystem: foundFs(8 * GIB, { type: "xfs" }) }) },
      "ci/cache": { entry: observedFile() },
    },
    tempFiles: [
      tempFile({ volume: "web/root" }),
      tempFile({
        volume: "Z/upper",
        path: "/var/lib/microvms/Z/.upper.img.volplan-tmp-9-12345678",
      }),
    ],
  });

  it("sorts by subject in code-point order, then by step", () => {
    const result = plan(desired, snapshot);
    expect(
      result.actions.map((a) => [
        a.kind === "artifact-fetch" ? a.artifact : "volume" in a ? a.volume : "",
        a.kind,
      ]),
    ).toEqual([
      ["Z/upper", "remove-temp"],
      ["Z/upper", "create"],
      ["ci/cache", "refuse"],
      ["db/data", "grow-image"],
      ["web/root", "remove-temp"],
      ["web/root", "grow-image"],
      ["web/root", "grow-filesystem"],
      ["web/root", "set-ownership"],
    ]);
    expect(result.summary).toEqual({
      create: 1,
      grow: 2,
      change: 3,
      unchanged: 0,
      refused: 1,
      fetch: 0,
    });
  });

  it("one refusal does not block the other volumes", () => {
    const result = plan(desired, snapshot);
    const refused = result.actions.filter((a) => a.kind === "refuse");
    expect(refused).toHaveLength(1);
    expect(
      result.actions.filter((a) => a.kind !== "refuse" && a.kind !== "remove-temp").length,
    ).toBe(5);
  });

  it("sorting is independent of input order", () => {
    const result = plan(desired, snapshot);
    const shuffled: Action[] = [...result.actions].reverse();
    expect(sortActions(shuffled)).toEqual(result.actions);
  });

  it("warnings are sorted by subject then code", () => {
    const warned = desiredState({
      volumes: [
        desiredVolume({
          id: "b",
          size: 16 * GIB,
          growFilesystem: "guest",
          allocation: "preallocate",
        }),
        desiredVolume({ id: "a", allocation: "preallocate" }),
      ],
    });
    const result = plan(
      warned,
      snapshotWith({
        desired: warned,
        volumes: { b: { entry: observedFile() } },
        filesystems: [
          {
            id: "8:1",
            mountPoint: "/var/lib",
            type: "zfs",
            total: 1024 * GIB,
            free: 20 * GIB,
            blockSize: 131072,
            capabilities: { sparse: true, reflink: false, fallocate: false },
          },
        ],
      }),
    );
    expect(result.warnings.map((w) => [w.subject, w.code])).toEqual([
      ["8:1", "overcommit"],
      ["a", "allocation-fallback"],
      ["b", "allocation-fallback"],
      ["b", "growth-by-guest"],
    ]);
  });

  it("a manifest narrowed by --only plans just its volumes and their temp files", () => {
    const selected = selectDesired(desired, ["volume:Z/upper"]);
    if (!selected.ok) throw new Error(selected.message);
    const result = plan(selected.desired, snapshot);
    expect(result.actions.map((a) => a.kind)).toEqual(["remove-temp", "create"]);
  });
});
