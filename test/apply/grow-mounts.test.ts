// A killed run's grow mount: seen as in use by plan, reclaimed by the next apply whether or not its
// volume changes, and empty mount points of dead runs removed.
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deviceId } from "../../src/host/device-id.js";
import { stateLayout } from "../../src/host/state-layout.js";
import { loopDevicesUnder, releaseLoopsUnder } from "../reliability/fixtures/checks.js";
import { deadPid } from "../reliability/fixtures/mixed-scenario.js";
import { parseApplyJson } from "../reliability/fixtures/report.js";
import { runVolplan } from "../reliability/fixtures/run-apply.js";
import { mountTmpfs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import type { TestFs } from "../helpers/mounts.js";

const MiB = 1024 * 1024;
const T = { timeout: 120_000 };

describe.runIf(canMount())("grow mounts a killed run left", () => {
  let host: TestFs;
  let work: string;
  let n = 0;
  beforeAll(async () => {
    host = await mountTmpfs(1024 * MiB);
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-growmounts-"));
  });
  afterAll(async () => {
    if (host !== undefined) {
      await releaseLoopsUnder(host.mountPoint);
      await host.cleanup();
    }
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  // A btrfs image mounted (read-write, through a loop device) where a killed run's grow left it,
  // with the record that run wrote; the manifest declares it at `declared` bytes.
  async function leftMounted(declared: number) {
    const dir = path.join(host.mountPoint, `case-${++n}`);
    await mkdir(dir, { mode: 0o755 });
    const image = path.join(dir, "disk.btrfs");
    await execa("truncate", ["-s", String(256 * MiB), image], T);
    await execa("mkfs.btrfs", ["-f", "-q", image], T);
    await chmod(image, 0o600);
    const stateDir = path.join(work, `state-${n}`);
    const grow = stateLayout(stateDir).growMounts;
    const mountPoint = path.join(grow, `${await deadPid()}-abcDEF`);
    await mkdir(mountPoint, { recursive: true, mode: 0o700 });
    const info = await stat(image);
    await writeFile(path.join(mountPoint, "target"), `${deviceId(info.dev)}:${info.ino}\n`);
    const device = (await execa("losetup", ["--find", "--show", image], T)).stdout.trim();
    await execa("mount", ["-t", "btrfs", device, mountPoint], T);
    // And an empty mount point another dead run left.
    await mkdir(path.join(grow, `${await deadPid()}-ghiJKL`), { mode: 0o700 });
    const manifest = path.join(work, `manifest-${n}.json`);
    const volumes = {
      "vm/disk": { path: image, size: declared, format: { type: "btrfs" }, growFilesystem: "host" },
    };
    await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes }));
    return { dir, image, grow, manifest, device };
  }

  it("plan sees the mounted image as in use; apply reclaims the mount, then grows it", async () => {
    const c = await leftMounted(320 * MiB);
    const plan = await runVolplan(["plan", "--manifest", c.manifest, "--json"]);
    const planned = JSON.parse(plan.stdout) as { actions: { kind: string; reason: string }[] };
    expect(planned.actions).toMatchObject([
      { kind: "refuse", reason: expect.stringContaining(c.device) },
    ]);
    const applied = await runVolplan(["apply", "--manifest", c.manifest, "--json"]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const json = parseApplyJson(applied.stdout, applied.stderr);
    expect(json.report?.results.map((r) => [r.kind, r.status])).toEqual([
      ["grow-image", "done"],
      ["grow-filesystem", "done"],
    ]);
    expect(await readdir(c.grow)).toEqual([]);
    expect(await loopDevicesUnder(c.dir)).toEqual([]);
    const out = (await execa("btrfs", ["inspect-internal", "dump-super", c.image], T)).stdout;
    expect(Number(/^total_bytes\s+(\d+)/m.exec(out)?.[1])).toBe(320 * MiB);
  });

  it("apply reclaims it even when its volume needs nothing (the VM must not boot from a mounted image)", async () => {
    const c = await leftMounted(256 * MiB);
    const applied = await runVolplan(["apply", "--manifest", c.manifest]);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain(`reclaimed after a killed run: unmounted ${c.device}`);
    expect(await readdir(c.grow)).toEqual([]);
    expect(await loopDevicesUnder(c.dir)).toEqual([]);
  });
});
