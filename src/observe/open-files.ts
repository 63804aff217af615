// Finds processes with an image open by scanning /proc/PID/fd (and fdinfo for OFD lock owners).
import type { Holder } from "../plan/snapshot.js";
import type { HostFs } from "./host-fs.js";
import { parseLockLine } from "./proc-locks.js";

/** An image to look for: its path and identity. */
export interface ImageId {
  readonly key: string;
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

/** One process's hold on an image, found through its open descriptors. */
export interface OpenHold {
  readonly key: string;
  readonly pid: number;
  readonly how: Holder["how"];
}

/**
 * Every process descriptor open on one of `images`. The link text of each fd is compared with
 * the image paths first, and only matching fds are stat'ed, so the scan costs one readlink
 * per descriptor on the host. Processes that vanish or refuse access are skipped.
 */
export function scanOpenFiles(input: {
  images: readonly ImageId[];
  host: HostFs;
  procRoot: string;
}): OpenHold[] {
  const { images, host, procRoot } = input;
  const byPath = new Map(images.map((image) => [image.path, image]));
  const holds: OpenHold[] = [];
  for (const name of host.readdir(procRoot) ?? []) {
    if (!/^\d+$/.test(name)) continue;
    const fdDir = `${procRoot}/${name}/fd`;
    for (const fd of quietly(() => host.readdir(fdDir)) ?? []) {
      const image = byPath.get(quietly(() => host.readlink(`${fdDir}/${fd}`)) ?? "");
      if (image === undefined) continue;
      const stats = quietly(() => host.stat(`${fdDir}/${fd}`));
      if (stats === null || stats.dev !== image.dev || stats.ino !== image.ino) continue;
      const fdinfo = quietly(() => host.readText(`${procRoot}/${name}/fdinfo/${fd}`));
      holds.push({ key: image.key, pid: Number(name), how: lockKind(fdinfo) ?? "open" });
    }
  }
  return holds;
}

// fdinfo lists the locks held through this descriptor as "lock:\t1: OFDLCK ADVISORY WRITE ...".
function lockKind(fdinfo: string | null): Holder["how"] | null {
  for (const line of (fdinfo ?? "").split("\n")) {
    if (!line.startsWith("lock:")) continue;
    const lock = parseLockLine(line.slice("lock:".length));
    if (lock !== null) return lock.how;
  }
  return null;
}

// /proc entries come and go, and other users' descriptors may be unreadable: treat as absent.
export function quietly<T>(read: () => T | null): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
