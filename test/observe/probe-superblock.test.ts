import { lstat, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { probeSuperblockSync, syncReader } from "../../src/observe/sync-reader.js";
import { detectFilesystem, HEAD_BYTES } from "../../src/observe/superblock/detect.js";
import { sparseFile } from "../helpers/images.js";
import { run } from "../helpers/run.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

async function image(name: string, size: number, mkfs: readonly string[]): Promise<string> {
  const path = join(scratch.dir, name);
  await sparseFile(path, size);
  const [tool = "", ...args] = mkfs;
  if (tool !== "") await run(tool, [...args, path]);
  return path;
}

// The probes read 4 KiB first and the rest of the head only when no ext or XFS is there; the
// answer must be what detectFilesystem finds in the whole head, for every type.
describe.each([
  { name: "ext4", size: 16 * MiB, mkfs: ["mkfs.ext4", "-F", "-q", "-L", "e"], type: "ext4" },
  { name: "xfs", size: 320 * MiB, mkfs: ["mkfs.xfs", "-f", "-q", "-L", "x"], type: "xfs" },
  { name: "btrfs", size: 256 * MiB, mkfs: ["mkfs.btrfs", "-f", "-q", "-L", "b"], type: "btrfs" },
  { name: "swap 4k", size: 16 * MiB, mkfs: ["mkswap", "-L", "s"], type: "swap" },
  { name: "swap 64k", size: 16 * MiB, mkfs: ["mkswap", "-p", "65536", "-L", "s"], type: "swap" },
  { name: "vfat", size: 8 * MiB, mkfs: ["mkfs.vfat", "-n", "V"], type: "vfat" },
  { name: "zeros", size: 8 * MiB, mkfs: [], type: null },
  { name: "short file", size: 2000, mkfs: [], type: null },
])("$name", ({ name, size, mkfs, type }) => {
  it("is found by the probe as in the whole head", async () => {
    const path = await image(`${name.replace(/\W/g, "-")}.img`, size, mkfs);
    const expect_ = await lstat(path);
    const whole = detectFilesystem((await readFile(path)).subarray(0, HEAD_BYTES));
    expect(whole?.type ?? null).toBe(type);
    expect(probeSuperblockSync(path, expect_)).toEqual(whole);
    expect(syncReader.probeSuperblock({ path, expect: expect_ })).toEqual(whole);
  });
});
