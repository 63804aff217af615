// Growing images and the filesystems inside them, on a loop-mounted ext4 host filesystem.
import { link, mkdir, readdir, readFile, stat, truncate } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import { deviceId } from "../../src/host/device-id.js";
import { parseProcLocks } from "../../src/host/proc-locks.js";
import { execaRunner } from "../../src/host/runner.js";
import { stateLayout } from "../../src/host/state-layout.js";
import type { Runner } from "../../src/host/runner.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import type { GrowFilesystemAction, GrowImageAction } from "../../src/plan/types.js";
import { desiredState } from "../helpers/desired.js";
import { OFD_LOCKER, startPython } from "../helpers/holder-process.js";
import { fsckProblem, fsSize, makeImage } from "../helpers/images.js";
import { mountLoopFs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
const T = { timeout: 120_000 };
// Where volplan hands a tool the image it checked: its own open descriptor.
const OWN_DESCRIPTOR = new RegExp(`^/proc/${process.pid}/fd/\\d+$`);

function growImage(input: {
  file: string;
  fs: TestFs;
  from: number;
  to: number;
  by: "host" | "guest" | "none";
}): GrowImageAction {
  return {
    kind: "grow-image",
    volume: "vm/disk",
    path: input.file,
    reason: "declared larger",
    consumes: { filesystem: input.fs.id, bytes: 0 },
    from: input.from,
    to: input.to,
    allocation: "sparse",
    filesystem_grown_by: input.by,
  };
}

function growFs(input: {
  file: string;
  fs: TestFs;
  fsType: GrowFilesystemAction["fs_type"];
  from: number;
  to: number;
}): GrowFilesystemAction {
  const method = input.fsType === "xfs" || input.fsType === "btrfs" ? "loop-mount" : "resize2fs";
  return {
    kind: "grow-filesystem",
    volume: "vm/disk",
    path: input.file,
    reason: "filesystem smaller than image",
    consumes: { filesystem: input.fs.id, bytes: 0 },
    fs_type: input.fsType,
    from: input.from,
    to: input.to,
    method,
  };
}

/** The real runner, recording every command line it runs. */
function recordingRunner(): { runner: Runner; calls: string[][] } {
  const calls: string[][] = [];
  const runner: Runner = (command, args, options) => {
    calls.push([command, ...args]);
    return execaRunner(command, args, options);
  };
  return { runner, calls };
}

/** ext2/3/4 grow offline: e2fsck, then resize2fs, both on volplan's descriptor, never the name. */
function expectOfflineResize(calls: string[][], file: string): void {
  const tools = calls.filter(([command]) => command === "e2fsck" || command === "resize2fs");
  expect(tools.map(([command]) => command)).toEqual(["e2fsck", "resize2fs"]);
  for (const call of tools) {
    expect(call).not.toContain(file);
    expect(call.at(-1)).toMatch(OWN_DESCRIPTOR);
  }
}

/** xfs and btrfs grow mounted: attached from volplan's descriptor, mounted as a device without devices, setuid or exec, detached after. */
async function expectLoopMount(input: {
  calls: string[][];
  file: string;
  type: "xfs" | "btrfs";
  stateDir: string;
}): Promise<void> {
  const { calls, file, type } = input;
  expect(calls.flat()).not.toContain(file);
  const attach = calls.find(([command, flag]) => command === "losetup" && flag === "--find");
  expect(attach).toEqual(["losetup", "--find", "--show", expect.stringMatching(OWN_DESCRIPTOR)]);
  const mount = calls.find(([command]) => command === "mount");
  // nouuid for xfs: an image cloned from a mounted one shares its UUID.
  const options = type === "xfs" ? "nodev,nosuid,noexec,nouuid" : "nodev,nosuid,noexec";
  expect(mount?.slice(1, 5)).toEqual(["-t", type, "-o", options]);
  expect(mount?.[5]).toMatch(/^\/dev\/loop\d+$/);
  expect(calls).toContainEqual(["losetup", "--detach", mount?.[5]]);
  // The private mount point is gone again.
  expect(await readdir(stateLayout(input.stateDir).growMounts)).toEqual([]);
}

describe.skipIf(!canMount())("grow on real filesystems", () => {
  let host: TestFs;
  let desired: DesiredState;
  let n = 0;
  beforeAll(async () => {
    host = await mountLoopFs("ext4", 2048 * MiB);
    // xfs and btrfs growth mounts under the state directory: one of the test's own.
    const stateDir = path.join(host.mountPoint, "state");
    await mkdir(stateDir);
    desired = desiredState({ volumes: [], stateDir });
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  /** A fresh sparse image in the host filesystem, formatted as `type`. */
  async function image(type: "ext4" | "xfs" | "btrfs" | "none", size: number): Promise<string> {
    n += 1;
    const file = path.join(host.mountPoint, `image-${n}.img`);
    await makeImage({ file, type, size });
    return file;
  }

  /** An ext4 image of 64 MiB whose file was grown to 128 MiB and whose filesystem was not. */
  async function halfGrownExt4(): Promise<string> {
    const file = await image("ext4", 64 * MiB);
    await truncate(file, 128 * MiB);
    return file;
  }

  it.each([
    { type: "ext4", from: 64 * MiB, to: 256 * MiB },
    { type: "xfs", from: 320 * MiB, to: 512 * MiB },
    { type: "btrfs", from: 128 * MiB, to: 256 * MiB },
  ] as const)(
    "grows a $type image and its filesystem; it checks clean and no loop device or mount is left",
    async ({ type, from, to }) => {
      const file = await image(type, from);
      const plan = planOf([
        growImage({ file, fs: host, from, to, by: "host" }),
        growFs({ file, fs: host, fsType: type, from, to }),
      ]);
      const { runner, calls } = recordingRunner();
      const report = await applyPlan({ plan, desired, options: { runner } });
      expect(report.results.map((r) => r.status)).toEqual(["done", "done"]);
      expect((await stat(file)).size).toBe(to);
      expect(await fsSize(file, type)).toBe(to);
      expect(await fsckProblem(file, type)).toBeNull();
      if (type === "ext4") expectOfflineResize(calls, file);
      else await expectLoopMount({ calls, file, type, stateDir: desired.stateDir });
      expect((await execa("losetup", ["-j", file], T)).stdout).toBe("");
    },
  );

  it("repairs an image grown without its filesystem, running e2fsck and resize2fs on volplan's descriptor", async () => {
    const file = await halfGrownExt4();
    const { runner, calls } = recordingRunner();
    const report = await applyPlan({
      plan: planOf([growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB })]),
      desired,
      options: { runner },
    });
    expect(report.results[0]?.status).toBe("done");
    expectOfflineResize(calls, file);
    expect(await fsSize(file, "ext4")).toBe(128 * MiB);
    expect(await fsckProblem(file, "ext4")).toBeNull();
  });

  it("refuses to run e2fsck on an image with a second name", async () => {
    const file = await halfGrownExt4();
    await link(file, `${file}.other`);
    const { runner, calls } = recordingRunner();
    const report = await applyPlan({
      plan: planOf([growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB })]),
      desired,
      options: { runner },
    });
    expect(report.results[0]?.error?.code).toBe("HARD_LINKED");
    expect(calls).toEqual([]);
    expect(await fsSize(file, "ext4")).toBe(64 * MiB);
    expect((await stat(`${file}.other`)).nlink).toBe(2);
  });

  it("skips the filesystem step when the image step fails, and never shrinks", async () => {
    // The plan expects 64 MiB; the image is 96 MiB by now.
    const file = await image("none", 96 * MiB);
    const plan = planOf([
      growImage({ file, fs: host, from: 64 * MiB, to: 128 * MiB, by: "host" }),
      growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB }),
    ]);
    const report = await applyPlan({ plan, desired });
    expect(report.results.map((r) => [r.status, r.error?.code])).toEqual([
      ["failed", "STALE_PLAN"],
      ["skipped", "PREVIOUS_STEP_FAILED"],
    ]);
    expect((await stat(file)).size).toBe(96 * MiB);
  });

  it("does not grow an image held by an OFD lock and names the holder", async () => {
    const file = await image("none", 32 * MiB);
    const holder = await startPython(OFD_LOCKER, [file]);
    try {
      const before = await stat(file);
      // The lock the holder took is the kernel's: /proc/locks lists it on this very inode.
      const locks = parseProcLocks(await readFile("/proc/locks", "utf8"));
      expect(locks).toContainEqual(
        expect.objectContaining({ how: "ofd-lock", device: deviceId(before.dev), ino: before.ino }),
      );
      const report = await applyPlan({
        plan: planOf([growImage({ file, fs: host, from: 32 * MiB, to: 64 * MiB, by: "none" })]),
        desired,
      });
      expect(report.results[0]).toMatchObject({
        status: "refused",
        error: { code: "IMAGE_IN_USE" },
      });
      expect(report.results[0]?.error?.message).toContain(`pid ${holder.pid}`);
      expect(report.results[0]?.error?.message).toMatch(/python/);
      expect(report.results[0]?.error?.message).toContain("OFD lock");
      expect((await stat(file)).size).toBe(before.size);
    } finally {
      await holder.stop();
    }
  });
});
