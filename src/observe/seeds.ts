// Observes the seed (base) images volumes are copied from.
import type { DesiredState } from "../manifest/desired.js";
import type { Stats } from "node:fs";
import type { FoundFilesystem, ObservedSeed } from "../plan/snapshot.js";
import { deviceId } from "../host/device-id.js";
import type { HostReader } from "./host-reader.js";
import { kindOf } from "../host/path-trust.js";

/** Every distinct seed path, keyed by path; the format of those qcow2 volumes use. */
export function observeSeeds(input: {
  desired: DesiredState;
  host: HostReader;
}): Record<string, ObservedSeed> {
  const seeds: Record<string, ObservedSeed> = {};
  const paths = new Set<string>();
  const ofQcow2 = new Set<string>();
  for (const v of input.desired.volumes) {
    if (v.seed === null) continue;
    paths.add(v.seed.from);
    if (v.imageFormat === "qcow2") ofQcow2.add(v.seed.from);
  }
  for (const path of [...paths].sort()) {
    const seed = observeSeed(path, input.host);
    seeds[path] = ofQcow2.has(path) ? withImage(seed, input.host) : seed;
  }
  return seeds;
}

// A qcow2 volume's seed may itself be a qcow2 image (qemu-img reads it as one): its header says
// how large it is to the guest and which format to record as the overlay's backing format. Its
// real path too: an overlay records the path it is given, and a symlink on it may move later.
function withImage(seed: ObservedSeed, host: HostReader): ObservedSeed {
  if (!seed.exists) return seed;
  const stats = host.stat(seed.path);
  const real = host.realpath(seed.path);
  if (stats === null || real === null) return seed;
  const image = host.probeImage({ path: real, expect: stats });
  return {
    ...seed,
    ...(image === null ? {} : { image }),
    ...(real === seed.path ? {} : { resolved: real }),
  };
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
