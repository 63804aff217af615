import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { detectFilesystem, HEAD_BYTES } from "../../src/observe/superblock/detect.js";
import { blkid } from "../helpers/blkid.js";
import { fsSize, sparseFile } from "../helpers/images.js";
import type { TestFsType } from "../helpers/images.js";
import { run } from "../helpers/run.js";
import { useTempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

async function head(path: string): Promise<Buffer> {
  return (await readFile(path)).subarray(0, HEAD_BYTES);
}

async function image(name: string, size: number): Promise<string> {
  const path = join(scratch.dir, name);
  await sparseFile(path, size);
  return path;
}

const UUID = "6f0c2b52-3c1e-4d7a-9a55-0e4f7b1c2d3e";

const CASES: readonly { type: Exclude<TestFsType, "none">; size: number; mkfs: string[] }[] = [
  { type: "ext2", size: 64 * MiB, mkfs: ["mkfs.ext2", "-F", "-q", "-L", "lbl-ext2", "-U", UUID] },
  { type: "ext3", size: 64 * MiB, mkfs: ["mkfs.ext3", "-F", "-q", "-L", "lbl-ext3", "-U", UUID] },
  { type: "ext4", size: 64 * MiB, mkfs: ["mkfs.ext4", "-F", "-q", "-L", "lbl-ext4", "-U", UUID] },
  {
    type: "ext4",
    size: 64 * MiB,
    mkfs: ["mkfs.ext4", "-F", "-q", "-b", "1024", "-O", "64bit", "-L", "small-blocks", "-U", UUID],
  },
  {
    type: "xfs",
    size: 320 * MiB,
    mkfs: ["mkfs.xfs", "-f", "-q", "-L", "lbl-xfs", "-m", `uuid=${UUID}`],
  },
  {
    type: "btrfs",
    size: 256 * MiB,
    mkfs: ["mkfs.btrfs", "-f", "-q", "-L", "lbl-btrfs", "-U", UUID],
  },
  { type: "swap", size: 64 * MiB, mkfs: ["mkswap", "-L", "lbl-swap", "-U", UUID] },
  { type: "vfat", size: 4 * MiB, mkfs: ["mkfs.vfat", "-n", "FAT12", "-i", "0A1B2C3D"] },
  {
    type: "vfat",
    size: 64 * MiB,
    mkfs: ["mkfs.vfat", "-F", "16", "-n", "FAT16 LBL", "-i", "1234ABCD"],
  },
  {
    type: "vfat",
    size: 64 * MiB,
    mkfs: ["mkfs.vfat", "-F", "32", "-n", "FAT32", "-i", "DEADBEEF"],
  },
];

describe.each(CASES)("$mkfs.0 $mkfs.4 $mkfs.5 $mkfs.6", ({ type, size, mkfs }) => {
  it("matches blkid and the size the filesystem's own tools report", async () => {
    const path = await image(`${mkfs.join("-").replace(/[^\w-]/g, "")}.img`, size);
    const [tool = "", ...args] = mkfs;
    await run(tool, [...args, path]);
    const found = detectFilesystem(await head(path));
    const probe = await blkid(path);
    expect(found?.type).toBe(type);
    expect(probe.TYPE).toBe(type);
    expect(found?.label ?? undefined).toBe(probe.LABEL);
    expect(found?.uuid ?? undefined).toBe(probe.UUID);
    // swap and FAT span the whole file made for them
    const expected = type === "swap" || type === "vfat" ? size : await fsSize(path, type);
    expect(found?.size).toBe(expected);
  });
});

describe("detectFilesystem", () => {
  it("finds nothing in random bytes, zeros or a short file", () => {
    expect(detectFilesystem(randomBytes(HEAD_BYTES))).toBeNull();
    expect(detectFilesystem(Buffer.alloc(HEAD_BYTES))).toBeNull();
    expect(detectFilesystem(Buffer.alloc(100))).toBeNull();
  });

  it("reports a FAT volume with the default NO NAME label as unlabeled", async () => {
    const path = await image("noname.img", 8 * MiB);
    await run("mkfs.vfat", [path]);
    const found = detectFilesystem(await head(path));
    expect(found).toMatchObject({ type: "vfat", label: null, size: 8 * MiB });
  });

  it("rejects an ext superblock with an absurd block size or block count", async () => {
    const path = await image("absurd.img", 16 * MiB);
    await run("mkfs.ext4", ["-F", "-q", path]);
    const good = await head(path);
    const badLog = Buffer.from(good);
    badLog.writeUInt32LE(30, 1024 + 0x18);
    expect(detectFilesystem(badLog)).toBeNull();
    const huge = Buffer.from(good);
    huge.writeUInt32LE(huge.readUInt32LE(1024 + 0x60) | 0x80, 1024 + 0x60); // 64bit
    huge.writeUInt32LE(0xffffffff, 1024 + 0x150); // blocks_count_hi
    expect(detectFilesystem(huge)).toBeNull();
  });

  it("reads an ext superblock's geometry and its error state", async () => {
    const path = await image("geometry.img", 64 * MiB);
    await run("mkfs.ext4", ["-F", "-q", "-b", "1024", path]);
    const clean = detectFilesystem(await head(path));
    expect(clean?.ext).toEqual({
      blockSize: 1024,
      blocksPerGroup: 8192,
      firstDataBlock: 1,
      descriptorSize: 64,
      blocks64: true,
      errors: false,
    });
    // What a killed resize2fs leaves: "clean with errors".
    await run("debugfs", ["-w", "-R", "set_super_value state 3", path]);
    expect(await run("dumpe2fs", ["-h", path])).toMatch(/^Filesystem state:\s+clean with errors$/m);
    expect(detectFilesystem(await head(path))?.ext?.errors).toBe(true);
    const ext2 = await image("geometry-ext2.img", 64 * MiB);
    await run("mkfs.ext2", ["-F", "-q", "-b", "4096", ext2]);
    expect(detectFilesystem(await head(ext2))?.ext).toMatchObject({
      blockSize: 4096,
      blocksPerGroup: 32768,
      firstDataBlock: 0,
      descriptorSize: 32,
      blocks64: false,
    });
  });

  it("rejects an XFS superblock whose block size is not a power of two", async () => {
    const path = await image("xfs-bad.img", 320 * MiB);
    await run("mkfs.xfs", ["-f", "-q", path]);
    const bad = Buffer.from(await head(path));
    bad.writeUInt32BE(4097, 4);
    expect(detectFilesystem(bad)).toBeNull();
  });
});
