// Parses /proc/locks (proc(5)): which files are locked, how, and by which pid.

/** One held (or awaited) lock. */
export interface FileLock {
  readonly how: "ofd-lock" | "posix-lock" | "flock";
  /** null when the kernel prints -1 (OFD locks on some kernels): the owner must be found via fdinfo. */
  readonly pid: number | null;
  /** Device "major:minor" in decimal, to compare with stat().dev. */
  readonly device: string;
  readonly ino: number;
}

const KINDS: Readonly<Record<string, FileLock["how"]>> = {
  POSIX: "posix-lock",
  FLOCK: "flock",
  OFDLCK: "ofd-lock",
};

/** Every POSIX, flock and OFD lock in the text; leases and delegations are ignored. */
export function parseProcLocks(text: string): FileLock[] {
  const locks: FileLock[] = [];
  for (const line of text.split("\n")) {
    const lock = parseLockLine(line);
    if (lock !== null) locks.push(lock);
  }
  return locks;
}

// "1: POSIX  ADVISORY  WRITE 1234 08:01:1234567 0 EOF"; a blocked waiter has "->" after the
// number ("1: -> POSIX ..."): its process has the file open too, so it counts as a holder.
// The same line format appears after "lock:" in /proc/PID/fdinfo/N.
/** One lock line, or null when it is not a file lock. */
export function parseLockLine(line: string): FileLock | null {
  const fields = line
    .trim()
    .split(/\s+/)
    .filter((f) => f !== "->");
  const how = KINDS[fields[1] ?? ""];
  const pidText = fields[4];
  const match = /^([0-9a-f]+):([0-9a-f]+):(\d+)$/i.exec(fields[5] ?? "");
  if (how === undefined || pidText === undefined || match === null) return null;
  const pid = Number(pidText);
  if (!Number.isInteger(pid)) return null;
  const [, major = "", minor = "", ino = ""] = match;
  return {
    how,
    pid: pid > 0 ? pid : null,
    device: `${parseInt(major, 16)}:${parseInt(minor, 16)}`,
    ino: Number(ino),
  };
}
