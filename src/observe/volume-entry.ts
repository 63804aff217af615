// Classifies what sits at a volume's path (from lstat, never following) and reads its superblock.
import type { Stats } from "node:fs";
import type { ImageFormat } from "../manifest/desired.js";
import type { FoundFilesystem, FoundImage, ObservedEntry } from "../plan/snapshot.js";
import { deviceId } from "../host/device-id.js";
import type { HostReader } from "./host-reader.js";
import { kindOf } from "../host/path-trust.js";

/**
 * The entry at `path` given its lstat (null when missing), or the fstat of a regular file opened
 * without following symlinks together with the superblock read through that descriptor
 * (`probed`), or for an image declared qcow2 (`format`) its header (`image`); holders are
 * filled in later.
 */
export function observeEntry(input: {
  path: string;
  stats: Stats | null;
  probed?: FoundFilesystem | null | undefined;
  format?: ImageFormat;
  image?: FoundImage | undefined;
  host: HostReader;
  sysRoot: string;
}): ObservedEntry {
  const { path, stats, probed, host, sysRoot } = input;
  if (stats === null) return { type: "missing" };
  if (stats.isSymbolicLink()) return { type: "symlink", target: host.readlink(path) ?? "" };
  if (stats.isDirectory()) return { type: "directory" };
  if (stats.isFile() && input.format === "qcow2") return qcow2Entry({ ...input, stats });
  if (stats.isFile()) {
    return {
      type: "file",
      size: stats.size,
      allocated: stats.blocks * 512,
      uid: stats.uid,
      gid: stats.gid,
      mode: stats.mode & 0o7777,
      ino: stats.ino,
      nlink: stats.nlink,
      mtimeMs: stats.mtimeMs,
      filesystem:
        stats.size === 0
          ? null
          : probed !== undefined
            ? probed
            : superblockOf({ path, stats, host }),
      holders: [],
    };
  }
  if (stats.isBlockDevice()) {
    const sectors = host.readText(`${sysRoot}/dev/block/${deviceId(stats.rdev)}/size`);
    return {
      type: "block-device",
      // Node has no BLKGETSIZE64 ioctl; sysfs reports the size in 512-byte sectors.
      size: sectorsToBytes(sectors),
      filesystem: superblockOf({ path, stats, host }),
      holders: [],
    };
  }
  return { type: "other", detail: kindOf(stats) };
}

// A file declared qcow2: its size is the virtual size its header records; what is inside is not
// read (volplan has no safe way to read a filesystem through qcow2's cluster mapping).
function qcow2Entry(input: {
  path: string;
  stats: Stats;
  image?: FoundImage | undefined;
  host: HostReader;
}): ObservedEntry {
  const { stats } = input;
  const image = input.image ??
    input.host.probeImage({ path: input.path, expect: stats }) ?? {
      format: "unreadable",
      problem: "it was replaced while volplan read it",
    };
  return {
    type: "file",
    size: image.format === "qcow2" ? image.virtualSize : stats.size,
    allocated: stats.blocks * 512,
    uid: stats.uid,
    gid: stats.gid,
    mode: stats.mode & 0o7777,
    ino: stats.ino,
    nlink: stats.nlink,
    mtimeMs: stats.mtimeMs,
    filesystem: null,
    image,
    holders: [],
  };
}

function superblockOf(input: { path: string; stats: Stats; host: HostReader }) {
  return input.host.probeSuperblock({ path: input.path, expect: input.stats });
}

/** Bytes from a sysfs "size" file; 0 when unreadable. */
export function sectorsToBytes(text: string | null): number {
  const sectors = Number((text ?? "").trim());
  const bytes = sectors * 512;
  return Number.isSafeInteger(bytes) && bytes >= 0 && text !== null ? bytes : 0;
}
