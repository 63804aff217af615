// Which processes have which files open, from /proc/PID/fd, and the lock each such descriptor holds.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { deviceId } from "./device-id.js";
import { parseLockLine } from "./proc-locks.js";
import type { FileLock } from "./proc-locks.js";

/** How a process holds a file: through a lock, or only an open descriptor. */
export type HoldKind = FileLock["how"] | "open";

/** One process's hold on a file, found through its open descriptors. */
export interface OpenHold {
  readonly pid: number;
  readonly how: HoldKind;
}

// "dev:ino" of a file; numbers and bigints print the same decimal digits.
function fileKey(dev: number | bigint, ino: number | bigint): string {
  return `${dev}:${ino}`;
}

function deviceKey(rdev: bigint): string {
  return `b:${deviceId(rdev)}`;
}

// A process may exit or close a descriptor mid-scan, and other users' descriptors may be
// unreadable: what cannot be read is not open.
function quietly<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}

/**
 * The open descriptors of every other process, each process scanned once per instance: a later
 * query re-lists /proc (cheap), scans only processes that appeared since and drops those that
 * exited. Why keep them: a full scan stats every descriptor on the host, and apply asks before
 * every write. What this cannot see (a process already scanned opening the file later) is what
 * the fresh /proc/locks read beside it is for: VMMs lock the images they open.
 * Why synchronous: thousands of procfs calls that answer from memory; through the thread pool
 * each would cost a round trip.
 */
export class OpenFiles {
  readonly #byPid = new Map<number, Map<string, string[]>>();
  readonly #procRoot: string;

  constructor(procRoot = "/proc") {
    this.#procRoot = procRoot;
  }

  /** Processes (other than this one) with a descriptor open on dev:ino, each with how it holds it. */
  holdersOf(dev: number | bigint, ino: number | bigint): OpenHold[] {
    const key = fileKey(dev, ino);
    const holds: OpenHold[] = [];
    for (const pid of this.#refresh()) {
      const fds = this.#byPid.get(pid)?.get(key);
      if (fds === undefined) continue;
      holds.push({ pid, how: this.#lockKind(pid, fds) ?? "open" });
    }
    return holds;
  }

  /** Whether any other process has block device `id` ("major:minor") open. */
  deviceOpen(id: string): boolean {
    const key = `b:${id}`;
    return this.#refresh().some((pid) => this.#byPid.get(pid)?.has(key) === true);
  }

  #refresh(): number[] {
    const pids = (quietly(() => readdirSync(this.#procRoot)) ?? [])
      .filter((name) => /^\d+$/.test(name))
      .map(Number)
      .filter((pid) => pid !== process.pid);
    const running = new Set(pids);
    for (const pid of [...this.#byPid.keys()]) if (!running.has(pid)) this.#byPid.delete(pid);
    for (const pid of pids) if (!this.#byPid.has(pid)) this.#byPid.set(pid, this.#scan(pid));
    return pids;
  }

  #scan(pid: number): Map<string, string[]> {
    const files = new Map<string, string[]>();
    const dir = `${this.#procRoot}/${pid}/fd`;
    for (const fd of quietly(() => readdirSync(dir)) ?? []) {
      const target = quietly(() => statSync(`${dir}/${fd}`, { bigint: true }));
      if (target === null) continue;
      const key = fileKey(target.dev, target.ino);
      files.set(key, [...(files.get(key) ?? []), fd]);
      // A block device node is also known by the device it opens (a loop device, a zvol).
      if (target.isBlockDevice()) files.set(deviceKey(target.rdev), [fd]);
    }
    return files;
  }

  // fdinfo lists the locks held through a descriptor as "lock:\t1: OFDLCK ADVISORY WRITE ...";
  // read fresh, since a lock may be taken after the descriptor was scanned.
  #lockKind(pid: number, fds: readonly string[]): FileLock["how"] | null {
    for (const fd of fds) {
      const info = quietly(() => readFileSync(`${this.#procRoot}/${pid}/fdinfo/${fd}`, "utf8"));
      for (const line of (info ?? "").split("\n")) {
        if (!line.startsWith("lock:")) continue;
        const lock = parseLockLine(line.slice("lock:".length));
        if (lock !== null) return lock.how;
      }
    }
    return null;
  }
}
