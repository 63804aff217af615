// Finds temp files left beside images by interrupted volplan runs.
import { basename, dirname, join } from "node:path";
import type { ObservedTempFile } from "../plan/snapshot.js";
import { deviceId } from "./device-id.js";
import type { DirectoryListings } from "./directory-listings.js";
import type { HostFs } from "./host-fs.js";
import { quietly } from "./open-files.js";

// `.<image basename>.volplan-tmp-<pid>-<8 hex>` (see docs/architecture.md).
const TEMP_NAME = /^\.(.+)\.volplan-tmp-(\d+)-[0-9a-f]{8}$/;

/** Temp files for the given volumes (id → image path), from the listings the image scan read. */
export function observeTempFiles(input: {
  volumes: readonly { readonly id: string; readonly path: string }[];
  host: HostFs;
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
  const live = new LiveVolplan(host, procRoot);
  const found: ObservedTempFile[] = [];
  for (const [dir, volumeByName] of byDir) {
    // No listing: the directory is gone, or (on a filesystem without entry types, where each
    // name is lstat'ed) a name vanished meanwhile; plain names are still worth reading then.
    const listing = listings.list(dir);
    for (const name of listing?.keys() ?? host.readdir(dir) ?? []) {
      const match = TEMP_NAME.exec(name);
      const volume = match === null ? undefined : volumeByName.get(match[1] ?? "");
      if (match === null || volume === undefined) continue;
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
        live: live.is(Number(match[2])),
      });
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// A temp file is live while the pid in its name is a running volplan (pids are reused, so the
// command line is checked too).
class LiveVolplan {
  readonly #cache = new Map<number, boolean>();

  constructor(
    readonly host: HostFs,
    readonly procRoot: string,
  ) {}

  is(pid: number): boolean {
    let entry = this.#cache.get(pid);
    if (entry === undefined) {
      const cmdline = quietly(() => this.host.readText(`${this.procRoot}/${pid}/cmdline`));
      entry = cmdline !== null && cmdline.includes("volplan");
      this.#cache.set(pid, entry);
    }
    return entry;
  }
}
