// Symlinks and hard links planted (or raced in) by someone else never make apply write, truncate or chown outside its directory.
import {
  chmod,
  link,
  lstat,
  mkdir,
  readdir,
  readlink,
  rename,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { sha256File } from "../helpers/sha256.js";
import { deadPid } from "./fixtures/mixed-scenario.js";
import { resume, runVolplan, startVolplan } from "./fixtures/run-apply.js";

const MiB = 1024 * 1024;

interface Outside {
  readonly file: string;
  readonly sha: string;
  readonly size: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

async function outsideState(file: string): Promise<Outside> {
  const info = await stat(file);
  return {
    file,
    sha: await sha256File(file),
    size: info.size,
    uid: info.uid,
    gid: info.gid,
    mode: info.mode & 0o7777,
  };
}

describe.skipIf(!canMount())("path tricks as root", () => {
  let host: TestFs;
  let n = 0;
  beforeAll(async () => {
    host = await mountTmpfs(1024 * MiB);
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  // A fresh image directory, a precious file outside it (same filesystem) and a one-volume manifest.
  async function newCase(volume: Record<string, unknown> = {}): Promise<{
    dir: string;
    image: string;
    manifest: string;
    outside: Outside;
  }> {
    n += 1;
    const root = path.join(host.mountPoint, `case-${n}`);
    const dir = path.join(root, "images");
    const secrets = path.join(root, "secrets");
    await mkdir(dir, { recursive: true, mode: 0o755 });
    await mkdir(secrets, { mode: 0o755 });
    const precious = path.join(secrets, "precious.img");
    await writeFile(precious, Buffer.alloc(MiB, 0x42));
    await chmod(precious, 0o644);
    const image = path.join(dir, "vm.img");
    const manifest = path.join(root, "manifest.json");
    const declared = { path: image, size: "64MiB", format: { type: "ext4" }, ...volume };
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir: path.join(root, "state"),
        volumes: { "vm/root": declared },
      }),
    );
    return { dir, image, manifest, outside: await outsideState(precious) };
  }

  const expectUntouched = async (outside: Outside): Promise<void> => {
    expect(await outsideState(outside.file)).toEqual(outside);
  };

  it("leaves a symlink planted at the final path alone", async () => {
    const { image, manifest, outside } = await newCase();
    await symlink(outside.file, image);
    const result = await runVolplan(["apply", "--manifest", manifest]);
    expect(result.exitCode).not.toBe(0);
    expect(await readlink(image)).toBe(outside.file);
    await expectUntouched(outside);
  });

  it("never follows a symlink named like a stale temp file", async () => {
    const { dir, image, manifest, outside } = await newCase();
    const planted = path.join(dir, `.vm.img.volplan-tmp-${await deadPid()}-0badc0de`);
    await symlink(outside.file, planted);
    await runVolplan(["apply", "--manifest", manifest]);
    expect((await lstat(planted)).isSymbolicLink()).toBe(true);
    expect((await lstat(image)).isFile()).toBe(true);
    await expectUntouched(outside);
  });

  it.each(["sparse", "preallocate"])(
    "never writes through a symlink swapped in for its temp file (%s)",
    async (allocation) => {
      const { dir, image, manifest, outside } = await newCase({ allocation });
      const run = startVolplan({
        args: ["apply", "--manifest", manifest],
        stopAt: "create:after-open",
      });
      expect(await run.stopped).toBe("create:after-open");
      const temps = (await readdir(dir)).filter((name) => name.includes(".volplan-tmp-"));
      expect(temps).toEqual([expect.stringMatching(/^\.vm\.img\.volplan-tmp-\d+-[0-9a-f]{8}$/)]);
      const swapped = path.join(dir, "swap-in");
      await symlink(outside.file, swapped);
      await rename(swapped, path.join(dir, temps[0]!));
      resume(run);
      const result = await run.finished;
      expect(result.exitCode).toBe(1);
      expect(result.stdout + result.stderr).toMatch(/replaced by another process/);
      await expectUntouched(outside);
      // The swap is caught before the link: no image appears at the final path.
      expect(await lstat(image).catch((error: NodeJS.ErrnoException) => error.code)).toBe("ENOENT");
    },
  );

  it("never replaces a symlink raced in at the final path before the link", async () => {
    const { dir, image, manifest, outside } = await newCase();
    const run = startVolplan({
      args: ["apply", "--manifest", manifest],
      stopAt: "create:after-fsync",
    });
    expect(await run.stopped).toBe("create:after-fsync");
    await symlink(outside.file, image);
    resume(run);
    const result = await run.finished;
    expect(result.exitCode).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/appeared while volplan was creating it/);
    expect(await readlink(image)).toBe(outside.file);
    expect((await readdir(dir)).filter((name) => name.includes(".volplan-tmp-"))).toEqual([]);
    await expectUntouched(outside);
  });

  it("never truncates, grows or chowns a hard link to a file outside", async () => {
    const { image, manifest, outside } = await newCase({
      size: "2MiB",
      format: { type: "none" },
      owner: 1234,
      group: 2345,
      mode: "0640",
    });
    await link(outside.file, image);
    const result = await runVolplan(["apply", "--manifest", manifest]);
    expect(result.exitCode, result.stdout + result.stderr).not.toBe(0);
    expect(result.stdout).toMatch(/refused \(hard-linked\): found a regular file with 2 links/);
    await expectUntouched(outside);
  });
});
