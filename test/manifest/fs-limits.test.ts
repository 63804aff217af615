import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { FS_LIMITS } from "../../src/manifest/fs-limits.js";

// The mkfs invocation the minimums were measured with.
const MKFS: Record<Exclude<FsType, "none">, [string, ...string[]]> = {
  ext2: ["mkfs.ext2", "-F", "-q"],
  ext3: ["mkfs.ext3", "-F", "-q"],
  ext4: ["mkfs.ext4", "-F", "-q"],
  xfs: ["mkfs.xfs", "-f", "-q"],
  btrfs: ["mkfs.btrfs", "-f", "-q"],
  vfat: ["mkfs.vfat"],
  swap: ["mkswap"],
};

async function available(tool: string): Promise<boolean> {
  const result = await execa(tool, ["--help"], { reject: false, timeout: 10_000 });
  return !("code" in result && result.code === "ENOENT");
}

describe("FS_LIMITS against the installed mkfs tools", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "volplan-fs-limits-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(Object.entries(MKFS))(
    "%s formats a sparse file of exactly its minimum size",
    async (type, command) => {
      const [tool, ...args] = command;
      if (!(await available(tool))) {
        if (process.env.CI === "true") throw new Error(`${tool} is missing in CI`);
        console.warn(`skipping ${type}: ${tool} is not installed`);
        return;
      }
      const min = FS_LIMITS[type as FsType].minBytes!;
      expect(min % 512).toBe(0);
      const image = path.join(dir, `${type}.img`);
      await writeFile(image, "");
      await truncate(image, min);
      const result = await execa(tool, [...args, image], { reject: false, timeout: 60_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      if (type === "ext3" || type === "ext4") {
        const header = await execa("dumpe2fs", ["-h", image], { reject: false, timeout: 30_000 });
        expect(header.stdout).toContain("has_journal");
      }
      await rm(image);
    },
  );
});
