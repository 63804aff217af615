// Observes the seed (base) images volumes are copied from.
import type { DesiredState } from "../manifest/desired.js";
import type { Stats } from "node:fs";
import type { FoundFilesystem, ObservedSeed } from "../plan/snapshot.js";
import { deviceId } from "../host/device-id.js";
import type { HostReader } from "./host-reader.js";
import { kindOf } from "../host/path-trust.js";

/** Every distinct seed path, keyed by path. */
export function observeSeeds(input: {
  desired: DesiredState;
  host: HostReader;
}): Record<string, ObservedSeed> {
  const seeds: Record<string, ObservedSeed> = {};
  const paths = new Set(
    input.desired.volumes.flatMap((v) => (v.seed === null ? [] : [v.seed.from])),
  );
  for (const path of [...paths].sort()) seeds[path] = observeSeed(path, input.host);
  return seeds;
}

// Seeds in Nix profiles are often symlinks into the store: follow one only when it ends at a
// regular file (the copy reads the target); anything else is reported as what it is.
function observeSeed(path: string, host: HostReader): ObservedSeed {
  const linkStats = host.lstat(path);
  const stats = linkStats?.isSymbolicLink() === true ? host.stat(path) : linkStats;
  if (stats === null || !stats.isFile()) {
    const missing = { path, exists: false, size: 0, allocated: 0, foundFilesystem: null };
    // Never opened: a FIFO or a device is named for what it is, not read.
    return stats === null
      ? { ...missing, filesystem: null }
      : { ...missing, what: kindOf(stats), filesystem: deviceId(stats.dev) };
  }
  return {
    path,
    exists: true,
    size: stats.size,
    allocated: stats.blocks * 512,
    filesystem: deviceId(stats.dev),
    foundFilesystem: seedSuperblock({ path, link: linkStats, stats, host }),
  };
}

// The superblock read never follows a symlink, so a linked seed is read at its resolved path
// (checked to be the file stat saw). Why read it: a seed grown to a larger declared size needs
// its filesystem grown too, and the planner must know how large it is.
function seedSuperblock(input: {
  path: string;
  link: Stats | null;
  stats: Stats;
  host: HostReader;
}): FoundFilesystem | null {
  const { host, stats } = input;
  if (stats.size === 0) return null;
  const real = input.link?.isSymbolicLink() === true ? host.realpath(input.path) : input.path;
  return real === null ? null : host.probeSuperblock({ path: real, expect: stats });
}
