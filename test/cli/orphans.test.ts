// Images volplan managed and the manifest no longer declares are reported (size, removal command), never deleted.
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const MiB = 1024 * 1024;

describe("orphaned images", () => {
  let dir: string;
  const manifest = (ids: string[]) => {
    const volumes = Object.fromEntries(
      ids.map((id) => [
        id,
        {
          path: path.join(dir, `${id.replace("/", "-")}.img`),
          size: "8MiB",
          format: { type: "none" },
          // The test's own user: its directories are trusted also when the suite is not root.
          owner: process.getuid?.() ?? 0,
          group: process.getgid?.() ?? 0,
        },
      ]),
    );
    return JSON.stringify({ version: 1, stateDir: path.join(dir, "state"), volumes });
  };
  const file = () => path.join(dir, "manifest.json");
  beforeAll(async () => {
    dir = await tempDir("volplan-orphans-");
  });

  it("are listed by plan and apply once dropped, left in place, and forgotten once removed", async () => {
    await writeFile(file(), manifest(["vm/a", "vm/b"]));
    expect((await volplan(["apply", "--manifest", file()])).exitCode).toBe(0);
    const dropped = path.join(dir, "vm-b.img");
    await writeFile(file(), manifest(["vm/a"]));

    const planned = await volplan(["plan", "--manifest", file(), "--detailed-exitcode"]);
    // Nothing to change: an orphan is a warning, not a pending change.
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(planned.stdout).toContain("orphaned-image");
    expect(planned.stdout).toContain(`${dropped} (volume vm/b, 8 MiB`);
    expect(planned.stdout).toContain(`rm -- ${dropped}`);
    const json = JSON.parse((await volplan(["plan", "--manifest", file(), "--json"])).stdout) as {
      warnings: { code: string; subject: string }[];
    };
    expect(json.warnings).toContainEqual(
      expect.objectContaining({ code: "orphaned-image", subject: "vm/b" }),
    );

    const applied = await volplan(["apply", "--manifest", file()]);
    expect(applied.exitCode).toBe(0);
    expect(applied.stdout).toContain("orphaned-image");
    expect((await stat(dropped)).size).toBe(8 * MiB);

    // A part of the manifest (--only) reports nothing as undeclared.
    const part = await volplan(["plan", "--manifest", file(), "--only", "volume:vm/a"]);
    expect(part.stdout).not.toContain("orphaned-image");

    await rm(dropped);
    expect((await volplan(["plan", "--manifest", file()])).stdout).not.toContain("orphaned-image");
    expect((await volplan(["apply", "--manifest", file()])).exitCode).toBe(0);
    const record = JSON.parse(await readFile(path.join(dir, "state", "managed.json"), "utf8")) as {
      images: Record<string, unknown>;
    };
    expect(Object.keys(record.images)).toEqual([path.join(dir, "vm-a.img")]);
  });
});
