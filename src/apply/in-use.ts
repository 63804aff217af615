// Right-before-write check that no process holds an image: /proc/locks entries and open descriptors.
import { readdir, readFile, stat } from "node:fs/promises";
import type { Holder } from "../plan/snapshot.js";
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

/** Processes with a descriptor open on dev:ino, found through /proc/PID/fd (other than this process). */
export async function openersOf(dev: bigint, ino: bigint): Promise<Holder[]> {
  const holders: Holder[] = [];
  const pids = (await readdir("/proc")).filter(
    (name) => /^\d+$/.test(name) && Number(name) !== process.pid,
  );
  for (const pid of pids) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await stat(`/proc/${pid}/fd/${fd}`, { bigint: true }).catch(() => null);
      if (target === null || target.dev !== dev || target.ino !== ino) continue;
      holders.push({ pid: Number(pid), command: await commandOf(Number(pid)), how: "open" });
      break;
    }
  }
  return holders;
}

/** Every holder of the file at `file` (locks first; OFD lock owners are named through their open descriptor; then busy loop devices). */
export async function holdersOf(file: string): Promise<Holder[]> {
  const info = await stat(file, { bigint: true });
  const locks = await locksOn(info.dev, info.ino);
  const openers = await openersOf(info.dev, info.ino);
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

/** "pid 123 (qemu-system-x86) holds an OFD lock" for messages. */
export function describeHolders(holders: readonly Holder[]): string {
  const how = {
    "ofd-lock": "an OFD lock",
    "posix-lock": "a POSIX lock",
    flock: "a flock",
    open: "it open",
  } as const;
  return holders
    .map((holder) => {
      const who =
        holder.pid === null
          ? (holder.command ?? "a process")
          : `pid ${holder.pid}${holder.command === null ? "" : ` (${holder.command})`}`;
      return `${who} holds ${how[holder.how]}`;
    })
    .join(", ");
}
