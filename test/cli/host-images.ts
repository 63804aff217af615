// Real images for CLI tests: sparse files formatted by the real mkfs tools, and a tiny tmpfs.
import { chmod, mkdir, open, rm } from "node:fs/promises";
import { execa } from "execa";
import { expect } from "vitest";

/** Bytes in one MiB. */
export const MiB = 1024 ** 2;

/** Filesystem types the tests format. */
export type TestFsType = "ext4" | "xfs" | "btrfs" | "vfat" | "swap" | "none";

const MKFS: Record<Exclude<TestFsType, "none">, (file: string) => [string, string[]]> = {
  ext4: (file) => ["mkfs.ext4", ["-F", "-q", file]],
  xfs: (file) => ["mkfs.xfs", ["-f", "-q", file]],
  btrfs: (file) => ["mkfs.btrfs", ["-f", "-q", file]],
  vfat: (file) => ["mkfs.vfat", [file]],
  swap: (file) => ["mkswap", [file]],
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

/** A sparse image of `size` bytes formatted as `type`, mode 0600. */
export async function makeImage(input: {
  readonly file: string;
  readonly type: TestFsType;
  readonly size: number;
}): Promise<void> {
  await sparseFile(input.file, input.size);
  if (input.type !== "none") {
    const [command, args] = MKFS[input.type](input.file);
    await execa(command, args, { timeout: 60_000 });
  }
  await chmod(input.file, 0o600);
}

/** True when this process may mount; in CI (CI=true) a missing capability fails the test instead of skipping it. */
export function canMount(): boolean {
  const root = process.getuid?.() === 0;
  if (process.env["CI"] === "true") {
    expect(root, "CI runs as root: mount tests must not be skipped").toBe(true);
  }
  return root;
}

/** Mounts a tmpfs of `size` bytes at `dir` (mode 0755: volplan refuses world-writable parents), runs `body`, and always unmounts. */
export async function withTmpfs<T>(dir: string, size: number, body: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  await execa("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "volplan-test", dir], {
    timeout: 30_000,
  });
  try {
    return await body();
  } finally {
    await execa("umount", [dir], { timeout: 30_000 });
    await rm(dir, { recursive: true, force: true });
  }
}
