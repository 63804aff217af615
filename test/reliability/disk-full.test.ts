// The race for disk space on a 256 MiB tmpfs: refused up front when it cannot fit, stopped cleanly when someone else fills it.
import { mkdir, open, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";
import { tempFilesIn } from "./fixtures/checks.js";
import { deadPid } from "./fixtures/mixed-scenario.js";
import { entries, parseApplyJson, sizeAndAllocation } from "./fixtures/report.js";
import { resume, runVolplan, startVolplan } from "./fixtures/run-apply.js";

const MiB = 1024 * 1024;
const VOLUME = 48 * MiB;

/** Writes 1 MiB chunks into `file` until the filesystem is full; returns the bytes written. */
async function fillUntilFull(file: string): Promise<number> {
  const handle = await open(file, "w");
  const chunk = Buffer.alloc(MiB, 0x5a);
  let written = 0;
  try {
    for (;;) written += (await handle.write(chunk, 0, chunk.length, written)).bytesWritten;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await handle.close();
  }
  return written;
}

describe.skipIf(!canMount())("apply racing for space on a 256 MiB tmpfs", () => {
  let work: string;
  let n = 0;
  beforeAll(async () => {
    work = await tempDir("volplan-diskfull-");
  });

  // A fresh 256 MiB tmpfs with an empty 0755 directory `vols`, and a manifest (kept off the tmpfs) of `count` volumes.
  async function withFullCase<T>(
    input: { count: number; type: "none" | "ext4" },
    body: (c: { fs: TestFs; dir: string; manifest: string }) => Promise<T>,
  ): Promise<T> {
    const fs = await mountTmpfs(256 * MiB);
    try {
      const dir = path.join(fs.mountPoint, "vols");
      await mkdir(dir, { mode: 0o755 });
      const volumes = Object.fromEntries(
        Array.from({ length: input.count }, (_, i) => [
          `vm${i}/data`,
          {
            path: path.join(dir, `v${i}.img`),
            size: VOLUME,
            allocation: "preallocate",
            format: { type: input.type },
          },
        ]),
      );
      n += 1;
      const manifest = path.join(work, `manifest-${n}.json`);
      const stateDir = path.join(work, `state-${n}`);
      await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes }));
      return await body({ fs, dir, manifest });
    } finally {
      await fs.cleanup();
    }
  }

  it("refuses eight 48 MiB preallocated volumes before writing anything (exit 4)", async () => {
    await withFullCase({ count: 8, type: "ext4" }, async ({ dir, manifest }) => {
      const result = await runVolplan(["apply", "--manifest", manifest, "--json"]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(4);
      expect(parseApplyJson(result.stdout).plan.feasible).toBe(false);
      expect(await readdir(dir)).toEqual([]);
    });
  });

  it("creates five 48 MiB preallocated volumes that fit (exit 0)", async () => {
    await withFullCase({ count: 5, type: "none" }, async ({ dir, manifest }) => {
      const result = await runVolplan(["apply", "--manifest", manifest]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      for (let i = 0; i < 5; i++) {
        const found = await sizeAndAllocation(path.join(dir, `v${i}.img`));
        expect(found?.size).toBe(VOLUME);
        expect(found?.allocated).toBeGreaterThanOrEqual(VOLUME);
      }
      expect(await tempFilesIn(dir)).toEqual([]);
    });
  });

  it("stops cleanly when another writer fills the disk after the first create", async () => {
    await withFullCase({ count: 5, type: "none" }, async ({ fs, dir, manifest }) => {
      const run = startVolplan({
        args: ["apply", "--manifest", manifest, "--json"],
        stopAt: "create:after-unlink-temp",
      });
      expect(await run.stopped).toBe("create:after-unlink-temp");
      expect(await fillUntilFull(path.join(fs.mountPoint, "filler"))).toBeGreaterThan(0);
      resume(run);
      const result = await run.finished;
      expect(result.exitCode, result.stdout + result.stderr).toBe(1);
      const json = parseApplyJson(result.stdout, result.stderr);
      expect(entries(json, "create", "done")).toHaveLength(1);
      const skipped = entries(json, "create", "skipped");
      expect(skipped).toHaveLength(4);
      for (const entry of skipped) {
        expect(entry.error?.message).toMatch(/ran out of space/);
        expect(entry.error?.message).toContain(fs.id);
      }
      expect(skipped[0]?.error?.message).toContain(fs.mountPoint);
      expect(await tempFilesIn(dir)).toEqual([]);
      expect(await readdir(dir)).toHaveLength(1);
    });
  });

  it("never leaves a partial volume or a temp file when a writer races it for the last bytes", async () => {
    await withFullCase({ count: 5, type: "none" }, async ({ fs, dir, manifest }) => {
      const run = startVolplan({ args: ["apply", "--manifest", manifest, "--json"] });
      // Start filling as soon as the first volume is in place.
      while ((await readdir(dir)).filter((name) => name.endsWith(".img")).length === 0) {
        if ((await Promise.race([run.finished, Promise.resolve(null)])) !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await fillUntilFull(path.join(fs.mountPoint, "filler"));
      const result = await run.finished;
      const json = parseApplyJson(result.stdout, result.stderr);
      const done = entries(json, "create", "done").length;
      console.log(`racing writer: ${done} of 5 volumes created before the disk filled`);
      expect(result.exitCode, result.stdout + result.stderr).toBe(done === 5 ? 0 : 1);
      const stopped = (json.report?.results ?? []).filter((r) => r.status !== "done");
      for (const entry of stopped) expect(entry.error?.message).toMatch(/space/);
      expect(await tempFilesIn(dir)).toEqual([]);
      const images = await readdir(dir);
      expect(images).toHaveLength(done);
      for (const name of images) {
        const found = await sizeAndAllocation(path.join(dir, name));
        expect(found?.size).toBe(VOLUME);
        expect(found?.allocated).toBeGreaterThanOrEqual(VOLUME);
      }
    });
  });

  it("reclaims a killed run's leftover first and counts what it frees (exit 0, not 4)", async () => {
    await withFullCase({ count: 3, type: "ext4" }, async ({ fs, dir, manifest }) => {
      // A kill mid-create left 80 MiB behind, and someone else used most of the rest: 90 MiB
      // are free, 3 × 48 MiB plus the 5% reserve fit only once the leftover is gone.
      const leftover = path.join(dir, `.v0.img.volplan-tmp-${await deadPid()}-0badc0de`);
      await writeFile(leftover, Buffer.alloc(80 * MiB, 1));
      await writeFile(path.join(fs.mountPoint, "filler"), Buffer.alloc(86 * MiB, 2));
      const result = await runVolplan(["apply", "--manifest", manifest, "--json"]);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const json = parseApplyJson(result.stdout, result.stderr);
      expect(json.plan.feasible).toBe(true);
      expect(entries(json, "remove-temp", "done")).toHaveLength(1);
      expect(entries(json, "create", "done")).toHaveLength(3);
      expect(await tempFilesIn(dir)).toEqual([]);
    });
  });
});
