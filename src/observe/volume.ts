// Observes one declared volume: its parents, what sits at its path, and the filesystem holding it.
import type { Stats } from "node:fs";
import { basename, dirname } from "node:path";
import type { DesiredVolume, ImageFormat } from "../manifest/desired.js";
import type { ObservedVolume } from "../plan/snapshot.js";
import type { Accounts } from "./accounts.js";
import { deviceId } from "../host/device-id.js";
import type { DirectoryListings } from "./directory-listings.js";
import type { HostReader, OpenedFile } from "./host-reader.js";
import type { ParentWalks } from "./path-safety.js";
import { observeEntry } from "./volume-entry.js";

/** A volume as observed, with what the later whole-host passes need. */
export interface ScannedVolume {
  readonly volume: DesiredVolume;
  readonly observed: ObservedVolume;
  /** The file observed: the path itself, or the block device a symlink at it resolves to. */
  readonly target: { readonly path: string; readonly stats: Stats | null };
  /** An existing path on the volume's host filesystem, for statfs and mountinfo. */
  readonly fsPath: string | null;
}

/** Walks the parents, then classifies the entry at the path. */
export function scanVolume(input: {
  volume: DesiredVolume;
  accounts: Accounts;
  host: HostReader;
  walks: ParentWalks;
  listings: DirectoryListings;
  sysRoot: string;
}): ScannedVolume {
  const { volume, accounts, host, walks, listings, sysRoot } = input;
  const trusted = {
    uid: typeof volume.owner === "number" ? volume.owner : (accounts.users[volume.owner] ?? null),
    gid: typeof volume.group === "number" ? volume.group : (accounts.groups[volume.group] ?? null),
  };
  const walk = walks.walk(volume.path, trusted);
  // Below a missing, symlinked or non-directory parent there is nothing of ours to look at.
  const reachable = walk.problem === null || walk.problem.code === "unsafe-parent";
  const format = volume.kind === "image" ? volume.imageFormat : "raw";
  const opened = reachable
    ? openIfListedRegular({ path: volume.path, host, listings, format })
    : null;
  const stats = opened?.stats ?? (reachable ? host.lstat(volume.path) : null);
  const device =
    volume.kind === "block-device" && stats?.isSymbolicLink() === true
      ? resolveDevice(host, volume.path)
      : null;
  const target = device ?? { path: volume.path, stats };
  const entry = observeEntry({
    path: target.path,
    stats: target.stats,
    probed: opened?.filesystem,
    ...(format === "qcow2" ? { format, image: opened?.image } : {}),
    host,
    sysRoot,
  });
  const onFs = stats ?? walk.nearest?.stats ?? null;
  return {
    volume,
    observed: {
      path: volume.path,
      filesystem: onFs === null ? null : deviceId(onFs.dev),
      pathProblem: walk.problem,
      entry,
    },
    target,
    // statfs follows symlinks, so it is given the image only when that is a regular file.
    fsPath: stats?.isFile() === true ? volume.path : (walk.nearest?.path ?? null),
  };
}

// One stat per image instead of two: a name the directory lists as a regular file is opened
// (O_NOFOLLOW, O_NONBLOCK) and fstat'ed, and that fstat is the image's stat. Anything else
// (symlink, device, FIFO, missing) is never opened here: lstat classifies it, as does a failed
// open or a descriptor that is no longer a regular file.
function openIfListedRegular(input: {
  path: string;
  host: HostReader;
  listings: DirectoryListings;
  format: ImageFormat;
}): OpenedFile | null {
  const { path, host, listings, format } = input;
  if (!listings.listsRegularFile(dirname(path), basename(path))) return null;
  return format === "qcow2" ? host.openRegularFile(path, format) : host.openRegularFile(path);
}

// Block devices are usually named through udev's symlinks (/dev/disk/by-id, /dev/vg/lv,
// /dev/zvol/...): follow one, but only to a block device.
function resolveDevice(host: HostReader, path: string) {
  const real = host.realpath(path);
  const stats = real === null ? null : host.lstat(real);
  return real !== null && stats?.isBlockDevice() === true ? { path: real, stats } : null;
}
