// Finds temp files left beside images by interrupted volplan runs.
import { basename, dirname, join } from "node:path";
import type { ObservedTempFile } from "../plan/snapshot.js";
import { deviceId } from "../host/device-id.js";
import type { DirectoryListings } from "./directory-listings.js";
import type { HostReader } from "./host-reader.js";
import { isRunningVolplan } from "../host/processes.js";
import { parseTempName } from "../host/temp-name.js";

/** Temp files for the given volumes (id → image path), from the listings the image scan read. */
export function observeTempFiles(input: {
  volumes: readonly { readonly id: string; readonly path: string }[];
  host: HostReader;
  listings: DirectoryListings;
  procRoot: string;
}): ObservedTempFile[] {
  const { host, listings, procRoot } = input;
  const byDir = new Map<string, Map<string, string>>();
  for (const { id, path } of input.volumes) {
    const dir = dirname(path);
    const names = byDir.get(dir) ?? new Map<string, string>();
    names.set(basename(path), id);
    byDir.set(dir, names);
  }
  const live = new Map<number, boolean>();
  const isLive = (pid: number): boolean => {
    let known = live.get(pid);
    if (known === undefined) live.set(pid, (known = isRunningVolplan(pid, procRoot)));
    return known;
  };
  const found: ObservedTempFile[] = [];
  for (const [dir, volumeByName] of byDir) {
    // No listing: the directory is gone, or (on a filesystem without entry types, where each
    // name is lstat'ed) a name vanished meanwhile; plain names are still worth reading then.
    const listing = listings.list(dir);
    for (const name of listing?.keys() ?? host.readdir(dir) ?? []) {
      const parsed = parseTempName(name);
      const volume = parsed === null ? undefined : volumeByName.get(parsed.base);
      if (parsed === null || volume === undefined) continue;
      const path = join(dir, name);
      const stats = host.lstat(path);
      // Only regular files: anything else with such a name is not volplan's to reclaim.
      if (stats === null || !stats.isFile()) continue;
      found.push({
        path,
        volume,
        filesystem: deviceId(stats.dev),
        size: stats.size,
        allocated: stats.blocks * 512,
        ino: stats.ino,
        nlink: stats.nlink,
        live: isLive(parsed.pid),
      });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
