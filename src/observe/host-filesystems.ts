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
  const containing = mounts.filter((m) => contains(m.mountPoint, path));
  const longest = (list: readonly Mount[]): Mount | null =>
    list.reduce<Mount | null>(
      (best, m) => (best === null || m.mountPoint.length >= best.mountPoint.length ? m : best),
      null,
    );
  const sameDevice = mounts.filter((m) => m.device === id);
  return (
    longest(containing.filter((m) => m.device === id)) ??
    longest(containing) ??
    sameDevice[sameDevice.length - 1] ??
    null
  );
}

function contains(mountPoint: string, path: string): boolean {
  return mountPoint === "/" || path === mountPoint || path.startsWith(`${mountPoint}/`);
}

/** One ObservedFilesystem per id, from a path known to be on it. */
export async function observeFilesystems(input: {
  samples: ReadonlyMap<string, string>;
  mounts: readonly Mount[];
  host: HostFs;
}): Promise<Record<string, ObservedFilesystem>> {
  const result: Record<string, ObservedFilesystem> = {};
  for (const id of [...input.samples.keys()].sort()) {
    const path = input.samples.get(id) ?? "/";
    const mount = mountFor(input.mounts, id, path);
    const usage = await input.host.statfs(path);
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
