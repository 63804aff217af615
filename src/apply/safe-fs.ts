// File-system helpers that never follow a symlink volplan did not expect, and fsync what must survive a crash.
import { constants } from "node:fs";
import { lstat, open, unlink } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { VolplanError } from "../errors.js";
import { shellCommand } from "../text/shell-quote.js";

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY, O_RDONLY, O_DIRECTORY, O_NONBLOCK } = constants;

/** Creates a new file that did not exist (never follows a symlink, never clobbers), mode 0600. */
export function createExclusive(file: string): Promise<FileHandle> {
  return open(file, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, 0o600);
}

/** Opens an existing regular file for writing without following a symlink at its last component. */
export async function openRegularForWrite(file: string): Promise<FileHandle> {
  const handle = await open(file, O_WRONLY | O_NOFOLLOW | O_NONBLOCK);
  return ensureRegular(handle, file);
}

/** Opens an existing regular file read-only without following a symlink (enough for fchown/fchmod). */
export async function openRegularForRead(file: string): Promise<FileHandle> {
  const handle = await open(file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  return ensureRegular(handle, file);
}

async function ensureRegular(handle: FileHandle, file: string): Promise<FileHandle> {
  const stat = await handle.stat();
  if (stat.isFile() && stat.nlink === 1) return handle;
  await handle.close();
  if (stat.isFile()) throw hardLinkError(file, stat.nlink);
  throw new VolplanError(
    "NOT_A_FILE",
    `${file} is no longer a regular file; volplan leaves it alone. Run volplan plan again.`,
  );
}

/** The refusal for an image with other names: growing or chowning it would change a file elsewhere too. */
export function hardLinkError(file: string, nlink: number): VolplanError {
  return new VolplanError(
    "HARD_LINKED",
    `${file} has ${nlink} hard links; volplan never resizes or chowns a file that has other names, which may lie outside the image directory. Replace it with a copy (cp --sparse=always) or remove the other links.`,
  );
}

/**
 * The path of an open descriptor for external commands (mkfs, fallocate, cp).
 * Why not the file's name: whoever can write the directory could swap the name for a symlink
 * between open and exec; /proc/<pid>/fd/<n> always reaches the inode volplan opened.
 */
export function descriptorPath(handle: FileHandle): string {
  return `/proc/${process.pid}/fd/${handle.fd}`;
}

/** fsync a directory so a link, rename or unlink in it survives a crash. */
export async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Re-checks, right before writing, that no ancestor of `file` is a symlink or not a directory and
 * that its directory is not writable by others (someone could swap names under volplan there).
 */
export async function checkParentChain(file: string): Promise<void> {
  const dir = path.dirname(file);
  let current = dir;
  for (;;) {
    const stat = await lstat(current).catch((cause: unknown) => {
      throw new VolplanError(
        "UNSAFE_PATH",
        `${file}: cannot inspect parent ${current}: ${String(cause)}`,
        { cause },
      );
    });
    if (stat.isSymbolicLink()) {
      throw new VolplanError(
        "UNSAFE_PATH",
        `${file}: parent ${current} is a symlink; volplan never writes through one. Point the manifest at the real directory.`,
      );
    }
    if (!stat.isDirectory())
      throw new VolplanError("UNSAFE_PATH", `${file}: parent ${current} is not a directory.`);
    if (current === dir && (stat.mode & 0o002) !== 0) {
      throw new VolplanError(
        "UNSAFE_PATH",
        `${file}: directory ${dir} is writable by everyone (mode ${(stat.mode & 0o7777).toString(8)}); volplan will not create images there. Run ${shellCommand("chmod", "o-w", dir)} or use another directory.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

const ZERO_CHUNK = 1024 * 1024;

/** Writes zeros over [from, to) of an open file in 1 MiB chunks, reporting bytes written. */
export async function writeZeros(input: {
  handle: FileHandle;
  from: number;
  to: number;
  onProgress?: (written: number, total: number) => void;
}): Promise<void> {
  const zeros = Buffer.alloc(ZERO_CHUNK);
  const total = input.to - input.from;
  let position = input.from;
  while (position < input.to) {
    const length = Math.min(ZERO_CHUNK, input.to - position);
    const { bytesWritten } = await input.handle.write(zeros, 0, length, position);
    position += bytesWritten;
    input.onProgress?.(position - input.from, total);
  }
}

/** Bytes a file occupies on disk (st_blocks × 512). */
export function allocatedOf(stat: { blocks: number }): number {
  return stat.blocks * 512;
}

/** Removes a file if it exists; for cleanup paths that must not throw over the original error. */
export async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}
