// HostFs over fs/promises: lets observe overlap calls, useful on slow (network) filesystems.
import { constants } from "node:fs";
import { lstat, open, readFile, readdir, readlink, realpath, stat, statfs } from "node:fs/promises";
import type { FileHandle } from "node:fs/promises";
import type { FoundFilesystem } from "../plan/snapshot.js";
import type { HostFs } from "./host-fs.js";
import { isAbsent, listingFrom, sameFile, usageFrom } from "./host-fs.js";
import { observeError } from "./observe-error.js";
import {
  FIRST_BYTES,
  HEAD_BYTES,
  detectCommonFilesystem,
  detectFilesystem,
} from "./superblock/detect.js";

const HEAD_FLAGS =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOCTTY | constants.O_NONBLOCK;

async function orNull<T>(what: string, path: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (error) {
    if (isAbsent(error)) return null;
    throw observeError(what, path, error);
  }
}

/** The asynchronous HostFs. */
export const asyncHostFs: HostFs = {
  lstat: (path) => orNull("lstat", path, () => lstat(path)),
  stat: (path) => orNull("stat", path, () => stat(path)),
  readlink: (path) => orNull("readlink", path, () => readlink(path)),
  realpath: (path) => orNull("resolve", path, () => realpath(path)),
  readdir: (path) => orNull("read directory", path, () => readdir(path)),
  readText: (path) => orNull("read", path, () => readFile(path, "utf8")),
  statfs: (path) =>
    orNull("statfs", path, async () => usageFrom(await statfs(path, { bigint: true }))),
  listDirectory: (path) =>
    orNull("read directory", path, async () =>
      listingFrom(await readdir(path, { withFileTypes: true })),
    ),
  probeSuperblock: ({ path, expect }) =>
    orNull("read superblock of", path, async () => {
      const handle = await open(path, HEAD_FLAGS).catch((error: unknown) => {
        // ELOOP: the path became a symlink after lstat; report nothing rather than follow it.
        if ((error as NodeJS.ErrnoException).code === "ELOOP") return null;
        throw error;
      });
      if (handle === null) return null;
      try {
        return sameFile(await handle.stat(), expect) ? await readHead(handle) : null;
      } finally {
        await handle.close();
      }
    }),
  openRegularFile: (path) =>
    orNull("read superblock of", path, async () => {
      // Any failure to open leaves it to lstat and the probe, which report it.
      const handle = await open(path, HEAD_FLAGS).catch(() => null);
      if (handle === null) return null;
      try {
        const stats = await handle.stat();
        if (!stats.isFile()) return null;
        return { stats, filesystem: stats.size === 0 ? null : await readHead(handle) };
      } finally {
        await handle.close();
      }
    }),
};

// As in the synchronous probe: 4 KiB first, the rest only when no ext or XFS is there.
async function readHead(handle: FileHandle): Promise<FoundFilesystem | null> {
  const buf = Buffer.allocUnsafe(HEAD_BYTES);
  let read = (await handle.read(buf, 0, FIRST_BYTES, 0)).bytesRead;
  const common = read === FIRST_BYTES ? detectCommonFilesystem(buf.subarray(0, read)) : null;
  if (common !== null) return common;
  if (read === FIRST_BYTES)
    read += (await handle.read(buf, read, HEAD_BYTES - read, read)).bytesRead;
  return detectFilesystem(buf.subarray(0, read));
}
