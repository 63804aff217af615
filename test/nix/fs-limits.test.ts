// The Nix builder checks microvm.nix guests' labels and sizes before the build does, so a guest is
// named by its option path instead of a JSON pointer. Its rules must be the CLI's: the same limits
// table, and the same verdict on every label and size of this table.
import { describe, expect, it } from "vitest";
import { checkFormat } from "../../src/manifest/check-format.js";
import type { FsType } from "../../src/manifest/desired.js";
import { FS_LIMITS } from "../../src/manifest/fs-limits.js";
import type { Issue } from "../../src/manifest/issue.js";
import { evalJson, nixAvailable, nixString } from "./nix-tool.js";

const MiB = 1024 * 1024;

// [fsType, label, size in MiB]: labels and sizes on both sides of each limit.
const volumes: [FsType, string | null, number][] = [
  ["vfat", "BOOT", 64],
  ["vfat", "boot", 64],
  ["vfat", "ESP_2024", 64],
  ["vfat", "NO.DOTS", 64],
  ["vfat", "ELEVEN-CHAR", 64],
  ["vfat", "TWELVE-CHARS", 64],
  ["ext4", "sixteen-bytes-ok", 64],
  ["ext4", "seventeen-bytes!!", 64],
  ["ext4", "käse", 64],
  ["ext4", null, 1],
  ["ext4", null, 2],
  ["ext2", null, 1],
  ["ext3", null, 1],
  ["xfs", "twelve-bytes", 300],
  ["xfs", "thirteen-byte", 300],
  ["xfs", null, 299],
  ["btrfs", "b".repeat(255), 109],
  ["btrfs", "b".repeat(256), 109],
  ["btrfs", null, 108],
];

// The CLI's verdict on one volume as the builder maps it.
function cliIssues([type, label, sizeMiB]: (typeof volumes)[number]): Issue[] {
  const issues: Issue[] = [];
  const format = label === null ? { type } : { type, label };
  checkFormat({
    id: "g/v",
    volume: { path: "/i/v.img", size: sizeMiB * MiB, format },
    type,
    issues,
  });
  return issues.filter((issue) => issue.severity === "error");
}

describe.skipIf(!nixAvailable)("nix/manifest.nix limits and the CLI's", () => {
  it("fsLimits is src/manifest/fs-limits.ts", async () => {
    expect(await evalJson({ expr: "(import ./nix/manifest.nix).fsLimits" })).toEqual(FS_LIMITS);
  });

  it("refuses exactly the labels and sizes the CLI refuses", async () => {
    const guests = volumes
      .map(
        ([type, label, size], i) =>
          `{ name = "g${i}"; volumes = [ { image = "v.img"; size = ${size}; fsType = "${type}"; label = ${label === null ? "null" : nixString(label)}; } ]; }`,
      )
      .join("\n");
    const found = (await evalJson({
      expr: `map (g: ((import ./nix/manifest.nix).buildManifest { microvms = [ g ]; }).problems) [ ${guests} ]`,
    })) as string[][];
    const verdicts = volumes.map((volume, i) => ({
      volume,
      builder: (found[i] ?? []).length > 0,
      cli: cliIssues(volume).length > 0,
    }));
    expect(verdicts.filter((v) => v.builder !== v.cli)).toEqual([]);
    // Both sides of the table are exercised.
    expect(verdicts.filter((v) => v.cli).length).toBeGreaterThan(5);
    expect(verdicts.filter((v) => !v.cli).length).toBeGreaterThan(5);
  });
});
