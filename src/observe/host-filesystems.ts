// Describes each host filesystem volplan touches: mount point and type (mountinfo), size and free space (statfs).
import type { ObservedFilesystem } from "../plan/snapshot.js";
import type { HostFs } from "./host-fs.js";
import type { Mount } from "./mountinfo.js";

/**
 * The mount holding `path` on filesystem `id`. A device mounted several times (bind mounts)
 * resolves to the longest mount point containing the path. btrfs subvolumes report anonymous
 * device numbers in stat() that mountinfo does not list; for those the longest mount point
 * containing the path is used, whatever its device.
 */
export function mountFor(mounts: readonly Mount[], id: string, path: string): Mount | null {
  // One pass, no arrays or closures: observe asks once per image. ">=" keeps the later of two
  // equally long mount points (mounted over the earlier one).
  let onDevice: Mount | null = null;
  let any: Mount | null = null;
  let lastOfDevice: Mount | null = null;
  for (const m of mounts) {
    const sameDevice = m.device === id;
    if (sameDevice) lastOfDevice = m;
    if (!contains(m.mountPoint, path)) continue;
    if (any === null || m.mountPoint.length >= any.mountPoint.length) any = m;
    if (sameDevice && (onDevice === null || m.mountPoint.length >= onDevice.mountPoint.length)) {
      onDevice = m;
    }
  }
  return onDevice ?? any ?? lastOfDevice;
}

function contains(mountPoint: string, path: string): boolean {
  if (mountPoint === "/" || path === mountPoint) return true;
  return path.startsWith(mountPoint) && path.charCodeAt(mountPoint.length) === 0x2f; // "/"
}

/** One ObservedFilesystem per id, from a path known to be on it. */
export function observeFilesystems(input: {
  samples: ReadonlyMap<string, string>;
  mounts: readonly Mount[];
  host: HostFs;
}): Record<string, ObservedFilesystem> {
  const result: Record<string, ObservedFilesystem> = {};
  for (const id of [...input.samples.keys()].sort()) {
    const path = input.samples.get(id) ?? "/";
    const mount = mountFor(input.mounts, id, path);
    const usage = input.host.statfs(path);
    result[id] = {
      id,
      mountPoint: mount?.mountPoint ?? "/",
      type: mount?.type ?? "unknown",
      total: usage === null ? 0 : usage.blocks * usage.blockSize,
      free: usage === null ? 0 : usage.available * usage.blockSize,
      blockSize: usage?.blockSize ?? 0,
      // Probed later, by apply, inside a temp file of its own.
      capabilities: { sparse: null, reflink: null, fallocate: null },
    };
  }
  return result;
}
