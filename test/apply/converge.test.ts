// One apply converges on real images: each case is a defect the issue found, applied through the
// CLI, then checked on disk and with a second plan that must find nothing to do.
import { createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateLayout } from "../../src/host/state-layout.js";
import { intentFileName, intentText } from "../../src/host/intents.js";
import { deviceId } from "../../src/host/device-id.js";
import { parseApplyJson } from "../reliability/fixtures/report.js";
import { runVolplan } from "../reliability/fixtures/run-apply.js";
import { mountLoopFs, mountTmpfs } from "../helpers/mounts.js";
import { blkid } from "../helpers/blkid.js";
import { canMount } from "../helpers/privilege.js";
import { planExit, volumeCases } from "../helpers/volume-cases.js";
import type { TestFs } from "../helpers/mounts.js";

const MiB = 1024 * 1024;
const TiB = 1024 ** 4;
const T = { timeout: 120_000 };

async function extSize(image: string): Promise<number> {
  const header = (await execa("dumpe2fs", ["-h", image], T)).stdout;
  const count = Number(/^Block count:\s+(\d+)/m.exec(header)?.[1]);
  const size = Number(/^Block size:\s+(\d+)/m.exec(header)?.[1]);
  return count * size;
}

async function e2fsckClean(image: string): Promise<number> {
  return (await execa("e2fsck", ["-f", "-n", image], { reject: false, ...T })).exitCode ?? -1;
}

async function sha(file: string, length: number): Promise<string> {
  return createHash("sha256")
    .update((await readFile(file)).subarray(0, length))
    .digest("hex");
}

describe.runIf(canMount())("one apply converges (the CLI on real images)", () => {
  let host: TestFs;
  let work: string;
  let n = 0;
  beforeAll(async () => {
    host = await mountTmpfs(1536 * MiB);
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-converge-"));
  }, 60_000);
  afterAll(async () => {
    await host?.cleanup();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  // A fresh directory on the tmpfs and a manifest (kept off it) for `volumes`.
  const setup = volumeCases(() => ({ images: host.mountPoint, work }));

  async function applyJson(manifest: string, bin?: string) {
    const result = await runVolplan(["apply", "--manifest", manifest, "--json"], bin);
    return { result, json: parseApplyJson(result.stdout, result.stderr) };
  }

  async function mkfsImage(file: string, size: number, mkfs: string[]): Promise<void> {
    await execa("truncate", ["-s", String(size), file], T);
    await execa(mkfs[0]!, [...mkfs.slice(1), file], T);
  }

  it("a raw volume seeded with a 64 MiB ext4 gets a 256 MiB filesystem (defect 1)", async () => {
    const base = path.join(host.mountPoint, `base-${++n}.img`);
    await mkfsImage(base, 64 * MiB, ["mkfs.ext4", "-F", "-q"]);
    const c = await setup({
      "vm/root": { path: "root.img", size: "256MiB", seed: { from: base } },
    });
    const { result } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(await extSize(c.at("root.img"))).toBe(256 * MiB);
    expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
  });

  it.each([
    ["ext4", 64 * MiB, ["mkfs.ext4", "-F", "-q", "-L", "base"], "root"],
    ["xfs", 300 * MiB, ["mkfs.xfs", "-f", "-q", "-L", "base"], "root"],
    ["btrfs", 128 * MiB, ["mkfs.btrfs", "-f", "-q", "-L", "base"], "root"],
    ["vfat", 64 * MiB, ["mkfs.vfat", "-n", "BASE"], "ROOT"],
    ["swap", 64 * MiB, ["mkswap", "-L", "base"], "root"],
  ] as const)(
    "a %s seed gets the declared label on its copy, and the next plan is empty (defect 2)",
    async (type, size, mkfs, label) => {
      const base = path.join(host.mountPoint, `base-${++n}.img`);
      await mkfsImage(base, size, [...mkfs]);
      const c = await setup({
        "vm/disk": { path: "disk.img", size, format: { type, label }, seed: { from: base } },
      });
      const { result } = await applyJson(c.manifest);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(await blkid(c.at("disk.img"))).toMatchObject({ TYPE: type, LABEL: label });
      const baseLabel = (mkfs as readonly string[]).includes("BASE") ? "BASE" : "base";
      expect(await blkid(base)).toMatchObject({ LABEL: baseLabel });
      expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
    },
  );

  it("a seed holding another filesystem than declared is refused before anything is copied (defect 2)", async () => {
    const base = path.join(host.mountPoint, `base-${++n}.img`);
    await mkfsImage(base, 300 * MiB, ["mkfs.xfs", "-f", "-q"]);
    const c = await setup({
      "vm/disk": {
        path: "disk.img",
        size: "512MiB",
        format: { type: "ext4" },
        seed: { from: base },
      },
    });
    const { result, json } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout).toBe(3);
    expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "type-differs" }]);
    expect(await readdir(c.dir)).toEqual([]);
  });

  it("a preallocated image whose blocks were punched out is allocated again, its data kept (defect 3)", async () => {
    const c = await setup({
      "vm/data": {
        path: "data.img",
        size: "64MiB",
        allocation: "preallocate",
        format: { type: "ext4" },
      },
    });
    const first = await applyJson(c.manifest);
    expect(first.result.exitCode, first.result.stdout).toBe(0);
    const image = c.at("data.img");
    expect((await stat(image)).blocks * 512).toBeGreaterThanOrEqual(64 * MiB);
    // What a guest's discard does to it.
    await execa(
      "fallocate",
      ["--punch-hole", "--offset", String(32 * MiB), "--length", String(32 * MiB), image],
      T,
    );
    const before = await sha(image, 64 * MiB);
    expect(await planExit(c.manifest)).toMatchObject({ code: 2 });
    const again = await applyJson(c.manifest);
    expect(again.result.exitCode, again.result.stdout).toBe(0);
    expect(again.json.report?.results.map((r) => [r.kind, r.status])).toEqual([
      ["allocate", "done"],
    ]);
    expect((await stat(image)).blocks * 512).toBeGreaterThanOrEqual(64 * MiB);
    expect(await sha(image, 64 * MiB)).toBe(before);
    expect(await e2fsckClean(image)).toBe(0);
    expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
  });

  it("a filesystem a killed resize left (its intent record, errors flagged) is repaired first (defect 4)", async () => {
    const c = await setup({
      "vm/root": { path: "root.img", size: "128MiB", format: { type: "ext4" } },
    });
    const image = c.at("root.img");
    await mkfsImage(image, 128 * MiB, ["mkfs.ext4", "-F", "-q"]);
    await chmod(image, 0o600);
    // "clean with errors", as resize2fs leaves it, and the record volplan writes before resizing.
    await execa("debugfs", ["-w", "-R", "set_super_value state 3", image], T);
    const info = await stat(image);
    const dir = stateLayout(c.stateDir).intents;
    await mkdir(dir, { recursive: true });
    const intent = {
      step: "resize2fs" as const,
      path: image,
      device: deviceId(info.dev),
      ino: info.ino,
    };
    await writeFile(
      path.join(dir, intentFileName(intent.device, intent.ino)),
      intentText({ ...intent, pid: 1, startedAt: "2024-01-01T00:00:00Z" }),
    );
    expect(await planExit(c.manifest)).toMatchObject({ code: 2 });
    const { result, json } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(json.report?.results.map((r) => [r.kind, r.status])).toEqual([
      ["repair-filesystem", "done"],
    ]);
    expect(json.plan.actions[0]).toMatchObject({ cause: "interrupted", mode: "yes" });
    expect((await execa("dumpe2fs", ["-h", image], T)).stdout).toMatch(
      /^Filesystem state:\s+clean$/m,
    );
    expect(await readdir(dir)).toEqual([]);
    expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
  });

  it("errors a superblock records without a killed run are checked with e2fsck -p (defect 4)", async () => {
    const c = await setup({
      "vm/root": { path: "root.img", size: "64MiB", format: { type: "ext4" } },
    });
    const image = c.at("root.img");
    await mkfsImage(image, 64 * MiB, ["mkfs.ext4", "-F", "-q"]);
    await chmod(image, 0o600);
    await execa("debugfs", ["-w", "-R", "set_super_value state 3", image], T);
    const { result, json } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(json.plan.actions[0]).toMatchObject({ kind: "repair-filesystem", mode: "preen" });
    expect(await planExit(c.manifest)).toMatchObject({ code: 0 });
  });

  it("growth beyond what resize2fs can do is refused at plan time, the image untouched (defect 7)", async () => {
    const c = await setup({
      "vm/root": { path: "root.img", size: "1TiB", format: { type: "ext4" } },
    });
    const image = c.at("root.img");
    await mkfsImage(image, 64 * MiB, ["mkfs.ext4", "-F", "-q", "-b", "1024"]);
    await chmod(image, 0o600);
    const { result, json } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout).toBe(3);
    expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "growth-limit" }]);
    expect((await stat(image)).size).toBe(64 * MiB);
  });

  it.each([
    ["a FIFO", "fifo", "a FIFO"],
    ["a directory", "dir", "a directory"],
    ["a character device", "/dev/null", "a character device"],
    ["an empty file", "empty", "an empty file"],
    ["a procfs file", "/proc/self/status", "a file on proc"],
  ])("a seed that is %s is refused as what it is (defect 8)", async (_what, name, found) => {
    const scratch = path.join(host.mountPoint, `seeds-${++n}`);
    await mkdir(scratch);
    const from = name.startsWith("/") ? name : path.join(scratch, name);
    if (name === "fifo") await execa("mkfifo", [from], T);
    if (name === "dir") await mkdir(from);
    if (name === "empty") await writeFile(from, "");
    const c = await setup({ "vm/disk": { path: "disk.img", size: "8MiB", seed: { from } } });
    const { result, json } = await applyJson(c.manifest);
    expect(result.exitCode, result.stdout).toBe(3);
    expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "seed-unusable" }]);
    expect((json.plan.actions[0] as { found?: string }).found).toContain(found);
    expect(await readdir(c.dir)).toEqual([]);
  });

  it("a seed that grows while it is copied gives no image, not an oversized one (defect 8)", async () => {
    const base = path.join(host.mountPoint, `base-${++n}.img`);
    await writeFile(base, Buffer.alloc(8 * MiB, 7));
    // A stand-in cp that grows the seed (sparsely, through the descriptor volplan hands it) first.
    const bin = path.join(work, `bin-${n}`);
    await mkdir(bin);
    const realCp = (await execa("sh", ["-c", "command -v cp"], T)).stdout.trim();
    const script = `#!/bin/sh\nfor a; do case "$a" in /proc/*) truncate -s 100M "$a"; break;; esac; done\nexec ${realCp} "$@"\n`;
    await writeFile(path.join(bin, "cp"), script);
    await chmod(path.join(bin, "cp"), 0o755);
    const c = await setup({ "vm/disk": { path: "disk.img", size: "8MiB", seed: { from: base } } });
    const { result, json } = await applyJson(c.manifest, bin);
    expect(result.exitCode, result.stdout + result.stderr).toBe(1);
    expect(json.report?.results).toMatchObject([
      { kind: "seed", status: "failed", error: { code: "SEED_CHANGED" } },
    ]);
    expect(await readdir(c.dir)).toEqual([]);
  });

  it.each(["btrfs", "xfs", "ext4"] as const)(
    "a %s image mounted by hand counts as in use: never grown (defects 5, 6)",
    async (type) => {
      const size = type === "xfs" ? 300 * MiB : 128 * MiB;
      const c = await setup({
        "vm/disk": { path: "disk.img", size: size + 64 * MiB, format: { type } },
      });
      const image = c.at("disk.img");
      const mkfs = type === "ext4" ? ["mkfs.ext4", "-F", "-q"] : [`mkfs.${type}`, "-f", "-q"];
      await mkfsImage(image, size, mkfs);
      await chmod(image, 0o600);
      const mountPoint = path.join(work, `mnt-${++n}`);
      await mkdir(mountPoint);
      await execa("mount", ["-o", "loop", image, mountPoint], T);
      try {
        const { result, json } = await applyJson(c.manifest);
        expect(result.exitCode, result.stdout + result.stderr).toBe(3);
        expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "in-use" }]);
        expect((json.plan.actions[0] as { reason?: string }).reason).toContain(
          `mounted at ${mountPoint}`,
        );
        expect((await stat(image)).size).toBe(size);
      } finally {
        await execa("umount", [mountPoint], { reject: false, ...T });
      }
    },
  );

  it("a path on procfs is refused at plan time (defect 13)", async () => {
    const manifest = path.join(work, `proc-${++n}.json`);
    const volumes = { "vm/disk": { path: "/proc/volplan-test.img", size: "8MiB" } };
    await writeFile(
      manifest,
      JSON.stringify({ version: 1, stateDir: path.join(work, "state-proc"), volumes }),
    );
    const { result, json } = await applyJson(manifest);
    expect(result.exitCode, result.stdout).toBe(3);
    expect(json.plan.actions).toMatchObject([
      { kind: "refuse", refusal: "unsupported-filesystem" },
    ]);
  });
});

describe.runIf(canMount())("sizes beyond the host filesystem's largest file (defect 13)", () => {
  let ext4: TestFs;
  let work: string;
  beforeAll(async () => {
    ext4 = await mountLoopFs("ext4", 1024 * MiB);
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-efbig-"));
  }, 60_000);
  afterAll(async () => {
    await ext4?.cleanup();
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("17 TiB on ext4 (4 KiB blocks) is refused at plan time with the limit, nothing created", async () => {
    const manifest = path.join(work, "efbig.json");
    const volumes = {
      "vm/huge": {
        path: path.join(ext4.mountPoint, "huge.img"),
        size: 17 * TiB,
        growFilesystem: "guest",
        format: { type: "xfs" },
      },
    };
    await writeFile(
      manifest,
      JSON.stringify({ version: 1, stateDir: path.join(work, "state"), volumes }),
    );
    const result = await runVolplan(["apply", "--manifest", manifest, "--json"]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(3);
    const json = parseApplyJson(result.stdout, result.stderr);
    expect(json.plan.actions).toMatchObject([{ kind: "refuse", refusal: "file-too-large" }]);
    expect((json.plan.actions[0] as { reason?: string }).reason).toContain("at most 16 TiB");
    expect((await readdir(ext4.mountPoint)).filter((f) => f.includes("huge"))).toEqual([]);
  });
});
