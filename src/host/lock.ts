// One volplan at a time per host: an exclusive flock on <stateDir>/lock, a file only its owner can reach.
import { spawnSync } from "node:child_process";
import { closeSync, constants, fstatSync, ftruncateSync, mkdirSync, openSync } from "node:fs";
import { readSync, writeSync } from "node:fs";
import { VolplanError } from "../errors.js";
import { untrustedDirectory } from "./path-trust.js";
import { effectiveUid, isRunningVolplan } from "./processes.js";
import { lockDescriptor, setLockDescriptor } from "./lock-descriptor.js";
import { sanePath } from "./runner.js";
import { stateLayout } from "./state-layout.js";

/** Who holds the lock, as the holder wrote it into the lock file (informational only). */
export interface LockHolder {
  readonly pid: number;
  readonly startedAt: string;
}

/** How to take the lock. */
export interface LockOptions {
  readonly stateDir: string;
  /** Wait for the holder to finish (default) or fail at once with LOCK_BUSY. */
  readonly wait?: boolean;
  /** Give up waiting after this long with LOCK_TIMEOUT (default: wait forever). */
  readonly timeoutMs?: number;
  /** Called once, after ~1 s of waiting, so the CLI can say whom it waits for. */
  readonly onWaiting?: (holder: LockHolder | null) => void;
  readonly pollMs?: number;
}

/** A held lock. */
export interface HostLock {
  readonly stateDir: string;
  release(): void;
}

// The runner hands the held lock's descriptor to every child it starts, so a child that a killed
// volplan leaves behind (resize2fs, mkfs, cp) keeps the host locked until it ends.
export { lockDescriptor } from "./lock-descriptor.js";

/**
 * Creates the state directory (0755) if missing, after checking it and every ancestor: no
 * symlink, owned by root or the running user, not writable by anyone else. Why: whoever can
 * write there could replace the lock, the cache or a file `volplan artifact path` hands out.
 */
export function ensureStateDir(stateDir: string): void {
  const problem = stateDirProblem(stateDir);
  if (problem !== null) throw new VolplanError("STATE_DIR_UNSAFE", problem);
  // Why 0755: the artifact cache inside is read-only content that deploy users pass to
  // nixos-anywhere (`volplan artifact path`); nothing secret is kept here.
  mkdirSync(stateDir, { recursive: true, mode: 0o755 });
  const again = stateDirProblem(stateDir);
  if (again !== null) throw new VolplanError("STATE_DIR_UNSAFE", again);
}

/**
 * Why the state directory (or an ancestor) is not safe to keep volplan's lock and cache in, with
 * the fix; null when it is (or does not exist yet below safe ancestors).
 */
export function stateDirProblem(stateDir: string): string | null {
  const trusted = { uid: effectiveUid(), gid: null, owner: "the user running volplan" };
  const problem = untrustedDirectory(stateDir, trusted);
  if (problem === null) return null;
  return `state directory ${stateDir}: ${problem}; volplan keeps its lock and cache only where nobody else can write. Make it and its parents owned by root and not writable by group or others (chown root: DIR; chmod go-w DIR), or set stateDir to such a directory.`;
}

// O_NONBLOCK: a FIFO planted at the lock path must not hang the open (it is refused below).
const LOCK_FLAGS =
  constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function openLockFile(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, LOCK_FLAGS, 0o600);
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code === "ELOOP" ? "a symlink" : String(cause);
    throw new VolplanError(
      "LOCK_FAILED",
      `cannot open the lock file ${file} (${why}); remove it and run volplan again.`,
      { cause },
    );
  }
  const stats = fstatSync(fd);
  if (!stats.isFile() || stats.uid !== effectiveUid() || (stats.mode & 0o022) !== 0) {
    closeSync(fd);
    throw new VolplanError(
      "LOCK_FAILED",
      `the lock file ${file} is not a regular file owned by uid ${effectiveUid()} and writable only by it; remove it and run volplan again.`,
    );
  }
  return fd;
}

// Why util-linux flock(1) on an inherited descriptor: Node has no flock(2). The child locks the
// open file description it shares with this process, so the lock stays with this process (and
// the children it hands the descriptor to) after the child exits, and the kernel drops it when
// the last of them dies, even by SIGKILL. Exit 1 means another holder.
function tryLock(fd: number): boolean {
  const result = spawnSync("flock", ["--exclusive", "--nonblock", "3"], {
    stdio: ["ignore", "ignore", "pipe", fd],
    env: { PATH: sanePath(process.env["PATH"]), LC_ALL: "C" },
    timeout: 30_000,
  });
  if (result.status === 0) return true;
  if (result.status === 1) return false;
  const detail = result.error?.message ?? String(result.stderr ?? "").trim();
  throw new VolplanError(
    "LOCK_FAILED",
    `cannot take the volplan lock with flock(1): ${detail || `exit ${String(result.status)}`}. Is util-linux installed?`,
    { cause: result.error },
  );
}

// Runs `use` on a read-only descriptor of the lock file (never through a symlink, never blocking
// on a FIFO); `absent` when it cannot be opened.
function withLockFileRead<T>(stateDir: string, absent: T, use: (fd: number) => T): T {
  let fd: number;
  try {
    fd = openSync(
      stateLayout(stateDir).lock,
      constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    );
  } catch {
    return absent;
  }
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads the holder's pid and start time from the lock file; null when absent or unreadable. */
export function readLockHolder(stateDir: string): LockHolder | null {
  return withLockFileRead(stateDir, null, (fd) => {
    const buffer = Buffer.alloc(256);
    const length = readSyncQuiet(fd, buffer);
    const match = /^pid (\d+)\nstarted (\S+)/.exec(buffer.subarray(0, length).toString("utf8"));
    return match === null ? null : { pid: Number(match[1]), startedAt: match[2] ?? "" };
  });
}

function readSyncQuiet(fd: number, buffer: Buffer): number {
  try {
    return fstatSync(fd).isFile() ? readSync(fd, buffer, 0, buffer.length, 0) : 0;
  } catch {
    return 0;
  }
}

function busyMessage(stateDir: string, holder: LockHolder | null): string {
  if (holder !== null && !isRunningVolplan(holder.pid)) {
    // The children of a killed volplan keep its lock (see runner.ts) until they end.
    return `volplan (pid ${holder.pid}, started ${holder.startedAt}) has exited, but a command it started (such as resize2fs) still holds the lock of state directory ${stateDir}; nothing may change its images before that command ends. Wait for it, or run again without --no-wait to wait.`;
  }
  const who =
    holder === null
      ? "another volplan"
      : `volplan (pid ${holder.pid}, started ${holder.startedAt})`;
  return `${who} is running with state directory ${stateDir}; only one runs at a time. Wait for it to finish, or run again without --no-wait to wait.`;
}

/** Takes the host lock, waiting for the current holder unless `wait` is false. */
export async function acquireHostLock(options: LockOptions): Promise<HostLock> {
  ensureStateDir(options.stateDir);
  const file = stateLayout(options.stateDir).lock;
  const fd = openLockFile(file);
  const started = Date.now();
  let announced = false;
  try {
    while (!tryLock(fd)) {
      const holder = readLockHolder(options.stateDir);
      if (options.wait === false)
        throw new VolplanError("LOCK_BUSY", busyMessage(options.stateDir, holder));
      const waited = Date.now() - started;
      if (options.timeoutMs !== undefined && waited >= options.timeoutMs) {
        throw new VolplanError(
          "LOCK_TIMEOUT",
          `gave up after ${Math.round(waited / 1000)} s: ${busyMessage(options.stateDir, holder)}`,
        );
      }
      if (!announced && waited >= 1000) {
        announced = true;
        options.onWaiting?.(holder);
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `pid ${process.pid}\nstarted ${new Date().toISOString()}\n`, 0);
  setLockDescriptor(fd);
  return {
    stateDir: options.stateDir,
    release: () => {
      if (lockDescriptor() !== fd) return;
      setLockDescriptor(null);
      // Closing the last descriptor of the description drops the flock.
      closeSync(fd);
    },
  };
}

/** Whether some process holds the lock of `stateDir` right now (tries it; never keeps it). */
export function isHostLockHeld(stateDir: string): boolean {
  return withLockFileRead(stateDir, false, (fd) => !tryLock(fd));
}
