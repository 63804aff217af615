// A lean ext4 image with the capped resize reserve still grows offline far beyond the cap.
import { truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";
import { haveRoot } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";
import { GIB, MIB } from "./builders.js";

// mkfs tools need root to run unattended on some systems.
describe.skipIf(!haveRoot())(
  "ext4 growth past the resize reserve (needs root; skipped without it)",
  () => {
    let dir = "";
    beforeAll(async () => {
      dir = await tempDir("volplan-resize-cap-");
    });

    it("256 MiB → 100 GiB (400×, the reserve covers 128×): e2fsck -fp, resize2fs, then e2fsck -fn clean", async () => {
      const path = join(dir, "grow.img");
      await writeFile(path, "", { flag: "wx", mode: 0o600 });
      await truncate(path, 256 * MIB);
      const mkfs = mkfsCommand({
        type: "ext4",
        label: null,
        uuid: null,
        mkfsArgs: [],
        path,
        size: 256 * MIB,
      });
      expect(mkfs!.args.join(" ")).toContain("resize=");
      await execa(mkfs!.file, mkfs!.args, { timeout: 120_000 });
      await truncate(path, 100 * GIB);
      await execa("e2fsck", ["-f", "-p", path], { timeout: 120_000 });
      await execa("resize2fs", [path], { timeout: 300_000 });
      const check = await execa("e2fsck", ["-f", "-n", path], { timeout: 300_000, reject: false });
      expect(check.exitCode).toBe(0);
      const header = (await execa("dumpe2fs", ["-h", path], { timeout: 60_000 })).stdout;
      const count = Number(/^Block count:\s+(\d+)/m.exec(header)?.[1]);
      const size = Number(/^Block size:\s+(\d+)/m.exec(header)?.[1]);
      expect(count * size).toBe(100 * GIB);
    });
  },
);
