// Reads the host (never writes) and returns the Snapshot the planner works from.
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import { deviceId } from "../host/device-id.js";
import type { Intent } from "../host/intents.js";
import { observeIntents } from "./intents.js";
import type { ObservedEntry, ObservedVolume, Snapshot } from "../plan/snapshot.js";
import { observeAccounts } from "./accounts.js";
import { DirectoryListings } from "./directory-listings.js";
import type { HolderQuery } from "../host/holders.js";
import { findHolders } from "../host/holders.js";
import type { Mount } from "../host/mountinfo.js";
import { parseMountinfo } from "../host/mountinfo.js";
import { nearestExisting } from "../host/statfs.js";
import { observeFilesystems } from "./host-filesystems.js";
import type { HostReader } from "./host-reader.js";
import { syncReader } from "./sync-reader.js";
import { LstatCache } from "./lstat-cache.js";
import { observeOrphans, readManaged } from "./managed.js";
import { ParentWalks } from "./path-safety.js";
import { observeSeeds } from "./seeds.js";
import { observeTempFiles } from "./temp-files.js";
import type { ScannedVolume } from "./volume.js";
import { scanVolume } from "./volume.js";

/** Where observe reads from; the defaults are the real host. */
export interface ObserveOptions {
  /** The fs calls to use (default: the host's own, synchronous). */
  readonly host?: HostReader;
  readonly procRoot?: string;
  readonly sysRoot?: string;
  readonly etcDir?: string;
  /**
   * Whose holders to find: every image (the default, what a saved plan's fingerprint records),
   * or only the images a plan may write into, which is all the planner reads. The latter skips
   * /proc/locks when nothing would be written: the kernel takes a global write lock to print it,
   * which waits for an RCU grace period (longer than observing a large fleet's images).
   */
  readonly holders?: "all" | "writable";
  /**
   * Look for managed images the manifest no longer declares (off when the manifest is only a
   * part of the host's, narrowed by --only: the rest of it is not undeclared).
   */
  readonly orphans?: boolean;
}

const MiB = 1024 * 1024;

/** Observes every declared volume, seed, temp file, artifact and the host filesystems under them. */
export async function observe(
  desired: DesiredState,
  options: ObserveOptions = {},
): Promise<Snapshot> {
  const host = options.host ?? syncReader;
  const procRoot = options.procRoot ?? "/proc";
  const accounts = observeAccounts({ desired, host, etcDir: options.etcDir ?? "/etc" });
  const walks = new ParentWalks(new LstatCache(host), host);
  const listings = new DirectoryListings(host);
  const sysRoot = options.sysRoot ?? "/sys";
  // One volume after another, synchronously: the reads are local and cheap, and a promise per
  // read would cost more than the system call.
  const intents = observeIntents({ stateDir: desired.stateDir, host });
  const scanned = desired.volumes.map((volume) =>
    withIntent(scanVolume({ volume, accounts, host, walks, listings, sysRoot }), intents),
  );
  const mounts = parseMountinfo(host.readText(`${procRoot}/self/mountinfo`) ?? "");
  const holders = options.holders ?? "all";
  const volumes = withHolders({ scanned, mounts, procRoot, sysRoot, holders });
  const tempFiles = observeTempFiles({
    // Only directories reached without a missing, symlinked or non-directory parent.
    volumes: scanned
      .filter((s) => (s.observed.pathProblem?.code ?? "unsafe-parent") === "unsafe-parent")
      .map((s) => s.volume),
    host,
    listings,
    procRoot,
  });
  const seeds = observeSeeds({ desired, host });
  const artifacts = await artifactsOf(desired, host);
  const samples = new Map<string, string>();
  const note = (id: string | null, path: string | null) => {
    if (id !== null && path !== null && !samples.has(id)) samples.set(id, path);
  };
  for (const s of scanned) note(s.observed.filesystem, s.fsPath);
  for (const t of tempFiles) note(t.filesystem, t.path);
  for (const seed of Object.values(seeds)) note(seed.filesystem, seed.path);
  for (const a of Object.values(artifacts)) note(a.filesystem, nearestExisting(a.path));
  const filesystems = observeFilesystems({ samples, mounts, host });
  const orphans =
    options.orphans === true
      ? observeOrphans({ desired, managed: readManaged(desired.stateDir, host), host })
      : [];
  return { volumes, filesystems, tempFiles, seeds, artifacts, ...accounts, orphans };
}

// Marks an image a killed run was resizing: its intent record names this path and this inode.
function withIntent(scanned: ScannedVolume, intents: ReadonlyMap<string, Intent>): ScannedVolume {
  const { observed, target, volume } = scanned;
  if (intents.size === 0 || observed.entry.type !== "file" || target.stats === null) return scanned;
  const intent = intents.get(`${deviceId(target.stats.dev)}:${target.stats.ino}`);
  if (intent === undefined || intent.path !== volume.path) return scanned;
  return { ...scanned, observed: { ...observed, entry: { ...observed.entry, interrupted: true } } };
}

// Adds holders to file and block-device entries: of every image, or (holders "writable") only of
// those a plan may write into, whose open descriptors are scanned too.
function withHolders(input: {
  scanned: readonly ScannedVolume[];
  mounts: readonly Mount[];
  procRoot: string;
  sysRoot: string;
  holders: "all" | "writable";
}): Record<string, ObservedVolume> {
  const queries: HolderQuery[] = [];
  for (const { volume, observed, target } of input.scanned) {
    const stats = target.stats;
    const type = observed.entry.type;
    if (stats === null || (type !== "file" && type !== "block-device")) continue;
    const candidate = observed.entry.type === "file" && mayWrite(observed.entry, volume);
    if (!candidate && input.holders === "writable") continue;
    const { dev, ino } = stats;
    queries.push({ key: volume.id, path: target.path, dev, ino, openers: candidate });
  }
  const holders = findHolders(queries, {
    procRoot: input.procRoot,
    sysRoot: input.sysRoot,
    mounts: input.mounts,
  });
  const volumes: Record<string, ObservedVolume> = {};
  for (const { volume, observed } of input.scanned) {
    const found = holders.get(volume.id);
    const entry = observed.entry;
    volumes[volume.id] =
      found !== undefined && (entry.type === "file" || entry.type === "block-device")
        ? { ...observed, entry: { ...entry, holders: found } }
        : observed;
  }
  return volumes;
}

/**
 * True for an image a plan might write into: smaller than declared, its filesystem not grown to
 * fill it, holes in a preallocated image, or an ext filesystem to repair (a killed run's resize,
 * or errors its superblock records).
 */
export function mayWrite(
  entry: Extract<ObservedEntry, { type: "file" }>,
  declared: Pick<DesiredVolume, "size" | "allocation">,
): boolean {
  const fs = entry.filesystem;
  return (
    entry.size < declared.size ||
    (fs !== null && fs.size + MiB < entry.size) ||
    (declared.allocation !== "sparse" && entry.allocated + MiB < entry.size) ||
    entry.interrupted === true ||
    fs?.ext?.errors === true
  );
}

// Most manifests declare no artifacts: then the cache code is not even loaded.
async function artifactsOf(
  desired: DesiredState,
  host: HostReader,
): Promise<Snapshot["artifacts"]> {
  if (desired.artifacts.length === 0) return {};
  const { observeArtifacts } = await import("./artifacts.js");
  return observeArtifacts(desired, host);
}
