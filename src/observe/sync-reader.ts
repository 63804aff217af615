// HostReader over synchronous fs calls: fastest for local filesystems (no thread-pool round trips).
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readSync,
  readdirSync,
} from "node:fs";
import { readFileSync, readlinkSync, realpathSync, statSync, statfsSync } from "node:fs";
import type { Stats } from "node:fs";
import type { ImageFormat } from "../manifest/desired.js";
import type { FoundFilesystem, FoundImage } from "../plan/snapshot.js";
import type { HostReader, OpenedFile } from "./host-reader.js";
import { isAbsent, listingFrom, sameFile, usageFrom } from "./host-reader.js";
import { observeError } from "./observe-error.js";
import {
  FIRST_BYTES,
  HEAD_BYTES,
  detectCommonFilesystem,
  detectFilesystem,
} from "./superblock/detect.js";
import { readImageHeader } from "./qcow2/read.js";

// O_NONBLOCK: a FIFO swapped in after lstat must not hang the open; O_NOCTTY: never acquire a tty.
const HEAD_FLAGS =
  constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NOCTTY | constants.O_NONBLOCK;

function orNull<T>(what: string, path: string, call: () => T): T | null {
  try {
    return call();
  } catch (error) {
    return absent(what, path, error);
  }
}

// null for "not there", else the error observe reports.
function absent(what: string, path: string, error: unknown): null {
  if (isAbsent(error)) return null;
  throw observeError(what, path, error);
}

// One buffer for every probe: the bytes are parsed before the call returns, and reusing it
// saves allocating (and page-faulting) 68 KiB per image.
const head = Buffer.alloc(HEAD_BYTES);
const first = head.subarray(0, FIRST_BYTES);

/** Reads the head of a file (4 KiB, the rest of HEAD_BYTES only when needed) and parses it. */
export function probeSuperblockSync(path: string, expect: Stats): FoundFilesystem | null {
  let fd: number;
  try {
    fd = openSync(path, HEAD_FLAGS);
  } catch (error) {
    // ELOOP: the path became a symlink after lstat; report nothing rather than follow it.
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return null;
    throw error;
  }
  try {
    return sameFile(fstatSync(fd), expect) ? readHeadSync(fd) : null;
  } finally {
    closeSync(fd);
  }
}

/** Opens `path` as probeSuperblockSync does and reads its qcow2 header (see HostReader.probeImage). */
export function probeImageSync(path: string, expect: Stats): FoundImage | null {
  let fd: number;
  try {
    fd = openSync(path, HEAD_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ELOOP") return null;
    throw error;
  }
  try {
    const stats = fstatSync(fd);
    return sameFile(stats, expect) ? readImageSync(fd, stats.size) : null;
  } finally {
    closeSync(fd);
  }
}

/** The open-and-fstat path for a name listed as a regular file (see HostReader.openRegularFile). */
export function openRegularFileSync(path: string, format?: ImageFormat): OpenedFile | null {
  let fd: number;
  try {
    fd = openSync(path, HEAD_FLAGS);
  } catch {
    return null; // gone, swapped for a symlink, unreadable: lstat and the probe report it
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile()) return null;
    // A qcow2 image's first bytes are its header, never a filesystem: only the header is read.
    if (format === "qcow2")
      return { stats, filesystem: null, image: readImageSync(fd, stats.size) };
    return { stats, filesystem: stats.size === 0 ? null : readHeadSync(fd) };
  } finally {
    closeSync(fd);
  }
}

// The qcow2 header through the descriptor: reads of the file's first bytes only, bounded; into
// the probes' shared buffer unless the header needs more (the parse keeps no part of it).
function readImageSync(fd: number, size: number): FoundImage {
  return readImageHeader((length) => {
    const buffer = length <= head.length ? head : Buffer.alloc(length);
    return buffer.subarray(0, readSync(fd, buffer, 0, length, 0));
  }, size);
}

function readHeadSync(fd: number): FoundFilesystem | null {
  // Most images are ext or XFS, whose superblocks sit in the first 4 KiB: one small read.
  let read = readSync(fd, head, 0, FIRST_BYTES, 0);
  const common = read === FIRST_BYTES ? detectCommonFilesystem(first) : null;
  if (common !== null) return common;
  if (read === FIRST_BYTES) read += readSync(fd, head, read, HEAD_BYTES - read, read);
  return detectFilesystem(read === HEAD_BYTES ? head : head.subarray(0, read));
}

/** The host's filesystem. */
export const syncReader: HostReader = {
  // lstat and openRegularFile run once per image: no closure per call.
  lstat(path) {
    try {
      return lstatSync(path);
    } catch (error) {
      return absent("lstat", path, error);
    }
  },
  stat: (path) => orNull("stat", path, () => statSync(path)),
  readlink: (path) => orNull("readlink", path, () => readlinkSync(path)),
  realpath: (path) => orNull("resolve", path, () => realpathSync(path)),
  readdir: (path) => orNull("read directory", path, () => readdirSync(path)),
  listDirectory: (path) =>
    orNull("read directory", path, () => listingFrom(readdirSync(path, { withFileTypes: true }))),
  readText: (path) => orNull("read", path, () => readFileSync(path, "utf8")),
  readRegularText(path, written) {
    let fd: number;
    try {
      fd = openSync(path, HEAD_FLAGS);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ELOOP") return null; // a symlink: not followed
      return absent("read", path, error);
    }
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) return null;
      if (written !== undefined && (stats.uid !== written.owner || stats.size > written.maxBytes))
        return null;
      return readFileSync(fd, "utf8");
    } finally {
      closeSync(fd);
    }
  },
  statfs: (path) => orNull("statfs", path, () => usageFrom(statfsSync(path, { bigint: true }))),
  probeSuperblock({ path, expect }) {
    try {
      return probeSuperblockSync(path, expect);
    } catch (error) {
      return absent("read superblock of", path, error);
    }
  },
  probeImage({ path, expect }) {
    try {
      return probeImageSync(path, expect);
    } catch (error) {
      return absent("read the qcow2 header of", path, error);
    }
  },
  openRegularFile(path, format) {
    try {
      return openRegularFileSync(path, format);
    } catch (error) {
      return absent("read superblock of", path, error);
    }
  },
};
