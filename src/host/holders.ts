// Who holds a file: locks from /proc/locks, descriptors from /proc/PID/fd, and loop devices
// attached to it that are mounted, stacked on or open.
import { readFileSync } from "node:fs";
import { deviceId } from "./device-id.js";
import { LoopDevices } from "./loop-devices.js";
import { mountFor, readMounts } from "./mountinfo.js";
import type { Mount } from "./mountinfo.js";
import type { HoldKind } from "./open-files.js";
import { OpenFiles } from "./open-files.js";
import { commandOf } from "./processes.js";
import { parseProcLocks } from "./proc-locks.js";
import type { FileLock } from "./proc-locks.js";

/** A process (or loop device, pid null) holding a file. */
export interface Holder {
  readonly pid: number | null;
  /** Process name from /proc/PID/comm, when readable; for a loop device, what it is and where it is mounted. */
  readonly command: string | null;
  readonly how: HoldKind;
}

/** A file whose holders are wanted. */
export interface HolderQuery {
  readonly key: string;
  readonly path: string;
  readonly dev: number | bigint;
  readonly ino: number | bigint;
  /** Also scan open descriptors (costs a stat per descriptor on the host; locks alone are cheap). */
  readonly openers: boolean;
}

/** Where the facts come from; one OpenFiles may serve a whole run. */
export interface HolderSources {
  readonly procRoot?: string;
  readonly sysRoot?: string;
  readonly openFiles?: OpenFiles;
  readonly mounts?: readonly Mount[];
}

type Hold = { pid: number | null; how: HoldKind };

/**
 * Holders of every queried file, by key (files nobody holds are absent). /proc/locks is read once
 * for all of them, afresh; the descriptor scan runs only for queries that ask for openers.
 */
export function findHolders(
  queries: readonly HolderQuery[],
  sources: HolderSources = {},
): Map<string, Holder[]> {
  const result = new Map<string, Holder[]>();
  if (queries.length === 0) return result;
  const procRoot = sources.procRoot ?? "/proc";
  const mounts = sources.mounts ?? readMounts(procRoot);
  const locks = groupBy(parseProcLocks(readFileSync(`${procRoot}/locks`, "utf8")), (l) => l.ino);
  const openFiles = sources.openFiles ?? new OpenFiles(procRoot);
  const loops = new LoopDevices(sources.sysRoot ?? "/sys");
  for (const query of queries) {
    const holds = mergeHolds({
      image: { ino: Number(query.ino), devices: lockDevices(query, mounts) },
      locks: locks.get(Number(query.ino)) ?? [],
      open: query.openers ? openFiles.holdersOf(query.dev, query.ino) : [],
    });
    const found: Holder[] = holds.map((h) => ({
      ...h,
      command: h.pid === null ? null : commandOf(h.pid, procRoot),
    }));
    if (!loops.empty) found.push(...loopHolders({ query, loops, mounts, openFiles }));
    if (found.length > 0) result.set(query.key, found);
  }
  return result;
}

/** Every holder of the file at `path` right now (used before each write into an image). */
export function holdersOfFile(
  query: Omit<HolderQuery, "key" | "openers">,
  sources: HolderSources = {},
): Holder[] {
  return findHolders([{ ...query, key: "file", openers: true }], sources).get("file") ?? [];
}

// Locks on btrfs name the superblock's device, not the subvolume's anonymous one.
function lockDevices(query: HolderQuery, mounts: readonly Mount[]): string[] {
  const id = deviceId(query.dev);
  const mount = mountFor(mounts, id, query.path);
  return mount?.type === "btrfs" ? [id, mount.device] : [id];
}

function loopHolders(input: {
  query: HolderQuery;
  loops: LoopDevices;
  mounts: readonly Mount[];
  openFiles: OpenFiles;
}): Holder[] {
  const { query } = input;
  return input.loops
    .backedBy({ dev: query.dev, ino: query.ino, mounts: input.mounts, openFiles: input.openFiles })
    .filter((loop) => loop.busy || loop.mountPoints.length > 0)
    .map((loop) => ({
      pid: null,
      command: `loop device ${loop.device}${loop.mountPoints.length > 0 ? ` mounted at ${loop.mountPoints.join(", ")}` : ""}`,
      how: "open" as const,
    }));
}

function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/**
 * The locks on one file (its inode, on one of its lock devices) and the descriptors open on it as
 * holds, without duplicates, sorted.
 */
export function mergeHolds(input: {
  image: { readonly ino: number; readonly devices: readonly string[] };
  locks: readonly FileLock[];
  open: readonly { pid: number; how: HoldKind }[];
}): Hold[] {
  const { image } = input;
  const holds = new Map<string, Hold>();
  const add = (pid: number | null, how: HoldKind) => holds.set(`${pid}/${how}`, { pid, how });
  for (const lock of input.locks)
    if (lock.ino === image.ino && image.devices.includes(lock.device)) add(lock.pid, lock.how);
  for (const hold of input.open) add(hold.pid, hold.how);
  const namedKinds = new Set(input.open.map((o) => o.how));
  const lockedPids = new Set([...holds.values()].filter((h) => h.how !== "open").map((h) => h.pid));
  for (const [id, hold] of holds) {
    // A lock with no pid (OFD on some kernels) is dropped once the fd scan named its owner;
    // a plain "open" is dropped when the same process already shows up with a lock.
    const ownerFound = hold.pid === null && namedKinds.has(hold.how);
    const lockShown = hold.how === "open" && lockedPids.has(hold.pid);
    if (ownerFound || lockShown) holds.delete(id);
  }
  return [...holds.values()].sort(
    (a, b) => (a.pid ?? -1) - (b.pid ?? -1) || (a.how < b.how ? -1 : 1),
  );
}
