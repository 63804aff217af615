// Four applies at once on one manifest, and a lock holder killed mid-step: each volume is created once, nothing wedges.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mountTmpfs } from "../helpers/mounts.js";
import type { TestFs } from "../helpers/mounts.js";
import { canMount } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";
import { tempFilesIn } from "./fixtures/checks.js";
import { entries, parseApplyJson, sizeAndAllocation } from "./fixtures/report.js";
import { crash, runVolplan, startVolplan } from "./fixtures/run-apply.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe.skipIf(!canMount())("concurrent applies and the host lock", () => {
  let host: TestFs;
  let work: string;
  let n = 0;
  beforeAll(async () => {
    host = await mountTmpfs(2 * GiB);
    work = await tempDir("volplan-concurrency-");
  });
  afterAll(async () => {
    await host?.cleanup();
  });

  // Six volumes (ext4, swap, raw preallocated) in a fresh directory; returns the directory and manifest.
  async function newCase(): Promise<{ dir: string; manifest: string; names: string[] }> {
    n += 1;
    const dir = path.join(host.mountPoint, `case-${n}`);
    await mkdir(dir, { mode: 0o755 });
    const types = ["ext4", "ext4", "ext4", "swap", "none", "none"];
    const volumes = Object.fromEntries(
      types.map((type, i) => [
        `vm${i}/disk`,
        {
          path: path.join(dir, `v${i}.img`),
          size: 64 * MiB,
          format: { type },
          ...(type === "none" ? { allocation: "preallocate" } : {}),
        },
      ]),
    );
    const manifest = path.join(work, `manifest-${n}.json`);
    await writeFile(
      manifest,
      JSON.stringify({ version: 1, stateDir: path.join(work, "state"), volumes }),
    );
    return { dir, manifest, names: types.map((_, i) => `v${i}.img`) };
  }

  it("four applies started at once create each volume exactly once", async () => {
    const { dir, manifest, names } = await newCase();
    const runs = Array.from({ length: 4 }, () =>
      startVolplan({ args: ["apply", "--manifest", manifest, "--json"] }),
    );
    // Record each image's inode the first time it appears; a re-create would change it.
    const firstInode = new Map<string, number>();
    let done = false;
    const watcher = (async () => {
      while (!done) {
        for (const name of names) {
          const found = await sizeAndAllocation(path.join(dir, name));
          if (found !== null && !firstInode.has(name)) firstInode.set(name, found.ino);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await Promise.all(runs.map((run) => run.finished));
    done = true;
    await watcher;
    for (const result of results) expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const creates = results.flatMap((result) =>
      entries(parseApplyJson(result.stdout, result.stderr), "create", "done"),
    );
    expect(creates.map((entry) => path.basename(entry.path)).sort()).toEqual([...names].sort());
    for (const name of names) {
      const found = await sizeAndAllocation(path.join(dir, name));
      expect(found?.size).toBe(64 * MiB);
      expect(found?.ino).toBe(firstInode.get(name));
    }
    expect(await tempFilesIn(dir)).toEqual([]);
  }, 120_000);

  it("a holder killed at a step boundary does not wedge the next runs", async () => {
    const { dir, manifest } = await newCase();
    const holder = startVolplan({
      args: ["apply", "--manifest", manifest],
      stopAt: "create:after-mkfs",
    });
    expect(await holder.stopped).toBe("create:after-mkfs");
    const busy = await runVolplan(["apply", "--manifest", manifest, "--no-wait"]);
    expect(busy.exitCode).toBe(1);
    expect(busy.stderr).toContain(`pid ${holder.pid}`);
    const waiter = startVolplan({ args: ["apply", "--manifest", manifest, "--json"] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await crash(holder);
    const waited = await waiter.finished;
    expect(waited.exitCode, waited.stdout + waited.stderr).toBe(0);
    // The killed holder's temp file is reclaimed by the run that waited for it.
    expect(
      entries(parseApplyJson(waited.stdout, waited.stderr), "remove-temp", "done"),
    ).toHaveLength(1);
    expect(await tempFilesIn(dir)).toEqual([]);
    const plan = await runVolplan(["plan", "--manifest", manifest, "--detailed-exitcode"]);
    expect(plan.exitCode, plan.stdout + plan.stderr).toBe(0);
  }, 120_000);
});
