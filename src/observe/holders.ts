// Decides who holds each image: locks from /proc/locks, plus an fd scan for the images a plan may write.
import type { Holder } from "../plan/snapshot.js";
import type { HostFs } from "./host-fs.js";
import type { ImageId, OpenHold } from "./open-files.js";
import { quietly, scanOpenFiles } from "./open-files.js";
import type { FileLock } from "./proc-locks.js";
import { parseProcLocks } from "./proc-locks.js";

/** An image whose holders are wanted. */
export interface HolderQuery extends ImageId {
  /** Lock devices that mean this file: its st_dev, and on btrfs the superblock's device too. */
  readonly devices: readonly string[];
  /** True when the plan might write into it: then open descriptors count as well. */
  readonly candidate: boolean;
}

/**
 * Holders of every queried image, by key. Cheap when nothing changes: /proc/locks is read once
 * for all images, and the /proc/PID/fd scan (which costs a readlink per descriptor on the
 * host) runs once, for the candidate images only: those a plan might write into.
 */
export function findHolders(input: {
  images: readonly HolderQuery[];
  host: HostFs;
  procRoot: string;
}): Map<string, Holder[]> {
  const { images, host, procRoot } = input;
  const locks = images.length === 0 ? [] : parseProcLocks(host.readText(`${procRoot}/locks`) ?? "");
  const candidates = images.filter((image) => image.candidate);
  const open = candidates.length === 0 ? [] : scanOpenFiles({ images: candidates, host, procRoot });
  const comms = new Map<number, string | null>();
  const command = (pid: number): string | null => {
    let entry = comms.get(pid);
    if (entry === undefined) {
      entry = quietly(() => host.readText(`${procRoot}/${pid}/comm`)?.trim() ?? null);
      comms.set(pid, entry);
    }
    return entry;
  };
  // Grouped by inode and key, so an image costs a lookup instead of a pass over every lock on
  // the host (a host running 1,000 VMs holds thousands of locks).
  const locksByInode = groupBy(locks, (lock) => lock.ino);
  const openByKey = groupBy(open, (hold) => hold.key);
  const result = new Map<string, Holder[]>();
  for (const image of images) {
    const imageLocks = locksByInode.get(image.ino);
    const imageOpen = openByKey.get(image.key);
    if (imageLocks === undefined && imageOpen === undefined) continue;
    const found = mergeHolds({ image, locks: imageLocks ?? [], open: imageOpen ?? [] });
    if (found.length === 0) continue;
    result.set(
      image.key,
      found.map((h) => ({ ...h, command: h.pid === null ? null : command(h.pid) })),
    );
  }
  return result;
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

/** The locks and open descriptors of one image as holders (without commands), sorted. */
export function mergeHolds(input: {
  image: HolderQuery;
  locks: readonly FileLock[];
  open: readonly OpenHold[];
}): { pid: number | null; how: Holder["how"] }[] {
  const { image } = input;
  const mine = input.locks.filter((l) => l.ino === image.ino && image.devices.includes(l.device));
  const opened = input.open.filter((o) => o.key === image.key);
  const holds = new Map<string, { pid: number | null; how: Holder["how"] }>();
  const add = (pid: number | null, how: Holder["how"]) => holds.set(`${pid}/${how}`, { pid, how });
  for (const lock of mine) add(lock.pid, lock.how);
  for (const hold of opened) add(hold.pid, hold.how);
  const namedKinds = new Set(opened.map((o) => o.how));
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
