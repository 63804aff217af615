// Runs the lean mkfs on fresh sparse files and checks the metadata estimate against what it allocated.
import { open, rm, stat, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";
import { mkfsMetadataEstimate } from "../../src/plan/mkfs-metadata.js";
import { haveRoot } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";
import { GIB, MIB } from "./builders.js";

const CASES: readonly (readonly [FsType, number])[] = [
  ["ext2", GIB],
  ["ext3", 512 * MIB],
  ["ext4", 64 * MIB],
  ["ext4", 10 * GIB],
  ["ext4", 100 * GIB],
  ["xfs", 512 * MIB],
  ["btrfs", GIB],
  ["vfat", GIB],
  ["vfat", 10 * GIB],
  ["swap", 64 * MIB],
];

// mkfs tools need root to run unattended on some systems.
const root = haveRoot();

describe.skipIf(!root)("lean mkfs on fresh sparse files (needs root; skipped without it)", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await tempDir("volplan-mkfs-");
  });

  it.each(CASES)(
    "%s of %d bytes: estimate ≥ allocation and ≤ 2× it + 4 MiB",
    async (type, size) => {
      const path = join(dir, `${type}-${size}.img`);
      await writeFile(path, "", { flag: "wx", mode: 0o600 });
      try {
        await truncate(path, size);
        const command = mkfsCommand({ type, label: "t", uuid: null, mkfsArgs: [], path, size });
        expect(command).not.toBeNull();
        await execa(command!.file, command!.args, { timeout: 120_000 });
        const handle = await open(path, "r");
        await handle.sync().finally(() => handle.close());
        const allocated = (await stat(path)).blocks * 512;
        const estimate = mkfsMetadataEstimate(type, size);
        expect(allocated).toBeGreaterThan(0);
        expect(estimate).toBeGreaterThanOrEqual(allocated);
        expect(estimate).toBeLessThanOrEqual(2 * allocated + 4 * MIB);
      } finally {
        await rm(path, { force: true });
      }
    },
  );
});
