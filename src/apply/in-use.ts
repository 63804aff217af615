// Right-before-write check that no process holds an image: /proc/locks entries and open descriptors.
import { readFile, stat } from "node:fs/promises";
import type { Holder } from "../plan/snapshot.js";
import { DescriptorScan } from "./descriptor-scan.js";
import { loopHoldersOf } from "./loop-devices.js";

function majorMinor(dev: bigint): { major: bigint; minor: bigint } {
  // Linux dev_t encoding (see <sys/sysmacros.h>).
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major, minor };
}

async function commandOf(pid: number): Promise<string | null> {
  return readFile(`/proc/${pid}/comm`, "utf8").then(
    (text) => text.trim(),
    () => null,
  );
}

/** Locks on dev:ino from /proc/locks ("1: OFDLCK ADVISORY WRITE -1 08:01:1234 0 EOF"; OFD locks show pid -1). */
export async function locksOn(dev: bigint, ino: bigint): Promise<Holder[]> {
  const { major, minor } = majorMinor(dev);
  const text = await readFile("/proc/locks", "utf8");
  const holders: Holder[] = [];
  for (const line of text.split("\n")) {
    const fields = line
      .replace(/^\s*\d+:\s*(->\s*)?/, "")
      .trim()
      .split(/\s+/);
    const [type, , , pidText, id] = fields;
    const [maj, min, inode] = (id ?? "").split(":");
    if (maj === undefined || min === undefined || inode === undefined) continue;
    if (BigInt(`0x${maj}`) !== major || BigInt(`0x${min}`) !== minor || BigInt(inode) !== ino)
      continue;
    const how = type === "OFDLCK" ? "ofd-lock" : type === "FLOCK" ? "flock" : "posix-lock";
    const pid = Number(pidText);
    holders.push({
      pid: pid > 0 ? pid : null,
      command: pid > 0 ? await commandOf(pid) : null,
      how,
    });
  }
  return holders;
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
