// Describes each host filesystem volplan touches: mount point and type (mountinfo), size and free space (statfs).
import type { ObservedFilesystem } from "../plan/snapshot.js";
import type { HostReader } from "./host-reader.js";
import type { Mount } from "../host/mountinfo.js";
import { mountFor } from "../host/mountinfo.js";

/** One ObservedFilesystem per id, from a path known to be on it. */
export function observeFilesystems(input: {
  samples: ReadonlyMap<string, string>;
  mounts: readonly Mount[];
  host: HostReader;
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
