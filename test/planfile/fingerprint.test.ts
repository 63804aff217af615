import { describe, expect, it } from "vitest";
import { canonicalJson, fingerprintSnapshot } from "../../src/planfile/fingerprint.js";
import type { ObservedEntry, Snapshot } from "../../src/plan/snapshot.js";

function snapshot(entry: ObservedEntry, free = 1_000_000): Snapshot {
  return {
    volumes: { v: { path: "/var/lib/vm/v.img", filesystem: "8:1", pathProblem: null, entry } },
    filesystems: {
      "8:1": {
        id: "8:1",
        mountPoint: "/",
        type: "ext4",
        total: 2_000_000,
        free,
        blockSize: 4096,
        capabilities: { sparse: null, reflink: null, fallocate: null },
      },
    },
    tempFiles: [],
    seeds: {},
    artifacts: {},
    users: {},
    groups: {},
  };
}

const file = {
  type: "file",
  size: 1024,
  allocated: 512,
  uid: 0,
  gid: 0,
  mode: 0o660,
  ino: 12,
  mtimeMs: 1,
  filesystem: { type: "ext4", label: null, uuid: null, size: 1024 },
  holders: [],
} as const;

describe("fingerprintSnapshot", () => {
  const base = fingerprintSnapshot(snapshot(file));

  it("is a sha256 hex digest", () => {
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ["free space", snapshot(file, 5)],
    ["mtime", snapshot({ ...file, mtimeMs: 99 })],
    ["allocated bytes", snapshot({ ...file, allocated: 4096 })],
  ])("ignores %s", (_name, changed) => {
    expect(fingerprintSnapshot(changed)).toBe(base);
  });

  it("ignores which process holds an image, only whether one does", () => {
    const a = snapshot({ ...file, holders: [{ pid: 2, command: "qemu", how: "open" }] });
    const b = snapshot({ ...file, holders: [{ pid: 3, command: "cloud-hv", how: "ofd-lock" }] });
    expect(fingerprintSnapshot(a)).toBe(fingerprintSnapshot(b));
  });

  it.each([
    ["size", snapshot({ ...file, size: 2048 })],
    ["inode", snapshot({ ...file, ino: 13 })],
    ["mode", snapshot({ ...file, mode: 0o600 })],
    ["filesystem inside", snapshot({ ...file, filesystem: null })],
    ["being held", snapshot({ ...file, holders: [{ pid: null, command: null, how: "ofd-lock" }] })],
    ["entry type", snapshot({ type: "missing" })],
  ])("changes with %s", (_name, changed) => {
    expect(fingerprintSnapshot(changed)).not.toBe(base);
  });

  it("does not depend on key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 4, e: 5 }] } })).toBe(
      '{"a":{"c":[3,{"e":5,"f":4}],"d":2},"b":1}',
    );
  });
});
