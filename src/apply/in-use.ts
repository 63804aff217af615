// Right-before-write check that no process holds an image: /proc/locks entries and open descriptors.
import { readFile, stat } from "node:fs/promises";
import { deviceId } from "../observe/device-id.js";
import { parseProcLocks } from "../observe/proc-locks.js";
import type { Holder } from "../plan/snapshot.js";
import { DescriptorScan } from "./descriptor-scan.js";
import { loopHoldersOf } from "./loop-devices.js";

async function commandOf(pid: number): Promise<string | null> {
  return readFile(`/proc/${pid}/comm`, "utf8").then(
    (text) => text.trim(),
    () => null,
  );
}

/** Locks on dev:ino, read afresh from /proc/locks (parsed as observe parses it). */
export async function locksOn(dev: bigint, ino: bigint): Promise<Holder[]> {
  const device = deviceId(dev);
  const locks = parseProcLocks(await readFile("/proc/locks", "utf8")).filter(
    (lock) => lock.device === device && BigInt(lock.ino) === ino,
  );
  return Promise.all(
    locks.map(async (lock) => ({
      pid: lock.pid,
      command: lock.pid === null ? null : await commandOf(lock.pid),
      how: lock.how,
    })),
  );
}

/** Processes with a descriptor open on dev:ino (other than this process), from the run's descriptor scan. */
export async function openersOf(input: {
  dev: bigint;
  ino: bigint;
  scan: DescriptorScan;
}): Promise<Holder[]> {
  const pids = input.scan.openers(input.dev, input.ino);
  return Promise.all(
    pids.map(async (pid) => ({ pid, command: await commandOf(pid), how: "open" as const })),
  );
}

/**
 * Every holder of the file at `file` (locks first; OFD lock owners are named through their open
 * descriptor; then busy loop devices). /proc/locks is read afresh each time; descriptors come
 * from `scan` (one per apply run; a fresh one when not given).
 */
export async function holdersOf(file: string, scan = new DescriptorScan()): Promise<Holder[]> {
  const info = await stat(file, { bigint: true });
  const locks = await locksOn(info.dev, info.ino);
  const openers = await openersOf({ dev: info.dev, ino: info.ino, scan });
  const named = locks.filter((lock) => lock.pid !== null);
  const lockKinds = locks.filter((lock) => lock.pid === null).map((lock) => lock.how);
  // An OFD lock has no pid in /proc/locks: attribute it to the processes that have the file open.
  const lockKind = lockKinds[0];
  const attributed =
    lockKind === undefined
      ? openers
      : openers.length === 0
        ? [{ pid: null, command: null, how: lockKind }]
        : openers.map((opener) => ({ ...opener, how: lockKind }));
  const seen = new Set(named.map((holder) => holder.pid));
  const loops = await loopHoldersOf(file);
  return [...named, ...attributed.filter((holder) => !seen.has(holder.pid)), ...loops];
}
