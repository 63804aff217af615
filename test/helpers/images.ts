// Real images for tests: sparse files formatted by the real mkfs tools, and the size each
// filesystem's own tools report for the filesystem inside an image.
import { chmod, open } from "node:fs/promises";
import { execa } from "execa";

/** Filesystem types the tests format ("none": a raw image). */
export type TestFsType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap" | "none";

/** Types whose own tools report the filesystem's size inside an image. */
export type SizedFsType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs";

const T = { timeout: 120_000 };

// Program and arguments that format `file` as each type, with `label` when given.
const MKFS: Record<Exclude<TestFsType, "none">, (label: string | null) => [string, string[]]> = {
  ext2: (label) => ["mkfs.ext2", ["-F", "-q", ...(label === null ? [] : ["-L", label])]],
  ext3: (label) => ["mkfs.ext3", ["-F", "-q", ...(label === null ? [] : ["-L", label])]],
  ext4: (label) => ["mkfs.ext4", ["-F", "-q", ...(label === null ? [] : ["-L", label])]],
  xfs: (label) => ["mkfs.xfs", ["-f", "-q", ...(label === null ? [] : ["-L", label])]],
  btrfs: (label) => ["mkfs.btrfs", ["-f", "-q", ...(label === null ? [] : ["-L", label])]],
  vfat: (label) => ["mkfs.vfat", label === null ? [] : ["-n", label]],
  swap: (label) => ["mkswap", label === null ? [] : ["-L", label]],
};

/** Sets a file's size without allocating (a sparse file), creating it if needed. */
export async function sparseFile(file: string, size: number): Promise<void> {
  const handle = await open(file, "a");
  try {
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}

/** A sparse image of `size` bytes formatted as `type` (with `label` when given), mode 0600. */
export async function makeImage(input: {
  readonly file: string;
  readonly type: TestFsType;
  readonly size: number;
  readonly label?: string;
}): Promise<void> {
  await sparseFile(input.file, input.size);
  if (input.type !== "none") {
    const [command, args] = MKFS[input.type](input.label ?? null);
    await execa(command, [...args, input.file], T);
  }
  await chmod(input.file, 0o600);
}

function field(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (match?.[1] === undefined) throw new Error(`no ${String(pattern)} in:\n${text}`);
  return Number(match[1]);
}

/** Size of the filesystem inside an image as its own tools report it (dumpe2fs, xfs_db, btrfs). */
export async function fsSize(file: string, type: SizedFsType): Promise<number> {
  switch (type) {
    case "ext2":
    case "ext3":
    case "ext4": {
      const { stdout } = await execa("dumpe2fs", ["-h", file], T);
      return field(stdout, /^Block count:\s+(\d+)/m) * field(stdout, /^Block size:\s+(\d+)/m);
    }
    case "xfs": {
      const args = ["-r", "-c", "sb 0", "-c", "p blocksize dblocks", file];
      const { stdout } = await execa("xfs_db", args, T);
      return field(stdout, /^blocksize = (\d+)/m) * field(stdout, /^dblocks = (\d+)/m);
    }
    case "btrfs": {
      const { stdout } = await execa("btrfs", ["inspect-internal", "dump-super", file], T);
      return field(stdout, /^total_bytes\s+(\d+)/m);
    }
  }
}

/** Problems a read-only check of the filesystem in an image finds; null when it is clean. */
export async function fsckProblem(file: string, type: SizedFsType): Promise<string | null> {
  const [command, args] =
    type === "xfs"
      ? ["xfs_repair", ["-n", "-f", file]]
      : type === "btrfs"
        ? ["btrfs", ["check", "--readonly", file]]
        : ["e2fsck", ["-f", "-n", file]];
  const result = await execa(command, args, { reject: false, all: true, ...T });
  // xfs_repair -n exits 0 even when it "would" fix something.
  const dirty =
    result.exitCode !== 0 || (type === "xfs" && /would|Cannot proceed/.test(result.all));
  return dirty ? `${command} ${args.join(" ")} exited ${result.exitCode}:\n${result.all}` : null;
}
