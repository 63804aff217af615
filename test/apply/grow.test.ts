import { link, mkdir, readdir, stat, truncate } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPlan } from "../../src/apply/apply.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import { execaRunner } from "../../src/host/runner.js";
import type { Runner } from "../../src/host/runner.js";
import type { GrowFilesystemAction, GrowImageAction } from "../../src/plan/types.js";
import { desiredState } from "../helpers/desired.js";
import { mountLoopFs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { planOf } from "./fixtures/plan-builders.js";

const MiB = 1024 * 1024;
const T = { timeout: 120_000 };

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
    filesystemGrownBy: input.by,
  };
}

function growFs(input: {
  file: string;
  fs: TestFs;
  fsType: GrowFilesystemAction["fsType"];
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
    fsType: input.fsType,
    from: input.from,
    to: input.to,
    method,
  };
}

async function extBlocks(file: string): Promise<number> {
  const { stdout } = await execa("dumpe2fs", ["-h", file], T);
  const count = Number(/^Block count:\s+(\d+)/m.exec(stdout)?.[1]);
  const size = Number(/^Block size:\s+(\d+)/m.exec(stdout)?.[1]);
  return count * size;
}

describe.skipIf(!canMount())("grow on real filesystems", () => {
  let host: TestFs;
  let desired: DesiredState;
  beforeAll(async () => {
    host = await mountLoopFs("ext4", 2048 * MiB);
    // xfs and btrfs growth mounts under the state directory: one of the test's own.
    desired = desiredState({ volumes: [], stateDir: path.join(host.mountPoint, "state") });
    await mkdir(desired.stateDir);
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  it("grows an ext4 image and its filesystem; e2fsck -fn is clean afterwards", async () => {
    const file = path.join(host.mountPoint, "grow-ext4.img");
    await execa("truncate", ["-s", String(64 * MiB), file], T);
    await execa("mkfs.ext4", ["-F", "-q", file], T);
    const plan = planOf([
      growImage({ file, fs: host, from: 64 * MiB, to: 256 * MiB, by: "host" }),
      growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 256 * MiB }),
    ]);
    const report = await applyPlan({ plan, desired });
    expect(report.results.map((r) => r.status)).toEqual(["done", "done"]);
    expect((await stat(file)).size).toBe(256 * MiB);
    expect(await extBlocks(file)).toBe(256 * MiB);
    expect((await execa("e2fsck", ["-fn", file], { reject: false, ...T })).exitCode).toBe(0);
  });

  it("repairs an image that was grown but whose filesystem was not", async () => {
    const file = path.join(host.mountPoint, "half-grown.img");
    await execa("truncate", ["-s", String(64 * MiB), file], T);
    await execa("mkfs.ext4", ["-F", "-q", file], T);
    await truncate(file, 128 * MiB);
    const report = await applyPlan({
      plan: planOf([growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB })]),
      desired,
    });
    expect(report.results[0]?.status).toBe("done");
    expect(await extBlocks(file)).toBe(128 * MiB);
  });

  it("runs e2fsck and resize2fs on volplan's open descriptor, never on the image's name", async () => {
    const file = path.join(host.mountPoint, "by-descriptor.img");
    await execa("truncate", ["-s", String(64 * MiB), file], T);
    await execa("mkfs.ext4", ["-F", "-q", file], T);
    await truncate(file, 128 * MiB);
    const calls: { file: string; args: readonly string[] }[] = [];
    const runner: Runner = async (command, args, options) => {
      calls.push({ file: command, args });
      return execaRunner(command, args, options);
    };
    const report = await applyPlan({
      plan: planOf([growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB })]),
      desired,
      options: { runner },
    });
    expect(report.results[0]?.status).toBe("done");
    const tools = calls.filter((call) => call.file === "e2fsck" || call.file === "resize2fs");
    expect(tools.map((call) => call.file)).toEqual(["e2fsck", "resize2fs"]);
    for (const call of tools) {
      expect(call.args).not.toContain(file);
      expect(call.args.at(-1)).toMatch(new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
    }
    expect(await extBlocks(file)).toBe(128 * MiB);
  });

  it("refuses to run e2fsck on an image with a second name", async () => {
    const file = path.join(host.mountPoint, "linked.img");
    await execa("truncate", ["-s", String(64 * MiB), file], T);
    await execa("mkfs.ext4", ["-F", "-q", file], T);
    await truncate(file, 128 * MiB);
    await link(file, `${file}.other`);
    const report = await applyPlan({
      plan: planOf([growFs({ file, fs: host, fsType: "ext4", from: 64 * MiB, to: 128 * MiB })]),
      desired,
    });
    expect(report.results[0]?.error?.code).toBe("HARD_LINKED");
    expect(await extBlocks(file)).toBe(64 * MiB);
  });

  it("grows xfs through a private loop mount and detaches it", async () => {
    const file = path.join(host.mountPoint, "grow.xfs");
    await execa("truncate", ["-s", String(320 * MiB), file], T);
    await execa("mkfs.xfs", ["-q", "-f", file], T);
    const plan = planOf([
      growImage({ file, fs: host, from: 320 * MiB, to: 512 * MiB, by: "host" }),
      growFs({ file, fs: host, fsType: "xfs", from: 320 * MiB, to: 512 * MiB }),
    ]);
    const report = await applyPlan({ plan, desired });
    expect(report.results.map((r) => r.status)).toEqual(["done", "done"]);
    const { stdout } = await execa(
      "xfs_db",
      ["-r", "-c", "sb 0", "-c", "p dblocks", "-c", "p blocksize", file],
      T,
    );
    const dblocks = Number(/dblocks = (\d+)/.exec(stdout)?.[1]);
    const blocksize = Number(/blocksize = (\d+)/.exec(stdout)?.[1]);
    expect(dblocks * blocksize).toBe(512 * MiB);
    expect((await execa("losetup", ["-j", file], T)).stdout).toBe("");
  });

  it("grows btrfs through a private loop mount and detaches it", async () => {
    const file = path.join(host.mountPoint, "grow.btrfs");
    await execa("truncate", ["-s", String(128 * MiB), file], T);
    await execa("mkfs.btrfs", ["-q", "-f", file], T);
    const plan = planOf([
      growImage({ file, fs: host, from: 128 * MiB, to: 256 * MiB, by: "host" }),
      growFs({ file, fs: host, fsType: "btrfs", from: 128 * MiB, to: 256 * MiB }),
    ]);
    const calls: string[][] = [];
    const runner: Runner = async (command, args, options) => {
      calls.push([command, ...args]);
      return execaRunner(command, args, options);
    };
    const report = await applyPlan({ plan, desired, options: { runner } });
    expect(report.results.map((r) => r.status)).toEqual(["done", "done"]);
    // Attached from volplan's own descriptor, checked, mounted as a device, detached after.
    const attach = calls.find(([command, flag]) => command === "losetup" && flag === "--find");
    expect(attach).toEqual([
      "losetup",
      "--find",
      "--show",
      expect.stringMatching(/^\/proc\/\d+\/fd\/\d+$/),
    ]);
    const mount = calls.find(([command]) => command === "mount");
    expect(mount?.slice(1, 5)).toEqual(["-t", "btrfs", "-o", "nodev,nosuid,noexec"]);
    expect(mount?.[5]).toMatch(/^\/dev\/loop\d+$/);
    expect(calls).toContainEqual(["losetup", "--detach", mount?.[5]]);
    expect(await readdir(path.join(desired.stateDir, "grow"))).toEqual([]);
    const { stdout } = await execa("btrfs", ["inspect-internal", "dump-super", file], T);
    expect(Number(/^total_bytes\s+(\d+)/m.exec(stdout)?.[1])).toBe(256 * MiB);
    expect((await execa("losetup", ["-j", file], T)).stdout).toBe("");
  });

  it("skips the filesystem step when the image step fails, and never shrinks", async () => {
    const file = path.join(host.mountPoint, "changed.img");
    await execa("truncate", ["-s", String(96 * MiB), file], T);
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
    const file = path.join(host.mountPoint, "locked.img");
    await execa("truncate", ["-s", String(32 * MiB), file], T);
    const script = [
      "import fcntl, os, struct, sys, time",
      "fd = os.open(sys.argv[1], os.O_RDWR)",
      "fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack('hhqqi', fcntl.F_WRLCK, 0, 0, 0, 0))",
      "print('locked', flush=True)",
      "time.sleep(300)",
    ].join("\n");
    const holder = execa("python3", ["-c", script, file], { timeout: 300_000, reject: false });
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout.on("data", (chunk: Buffer) =>
          chunk.toString().includes("locked") ? resolve() : undefined,
        );
        holder.once("exit", () => reject(new Error("lock helper exited early")));
      });
      expect(await execa("grep", ["OFDLCK", "/proc/locks"], T)).toBeTruthy();
      const before = await stat(file);
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
      holder.kill("SIGKILL");
      await holder;
    }
  });
});
