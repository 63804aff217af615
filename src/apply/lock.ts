// One volplan at a time per host, with a lock the kernel releases when its holder dies.
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { lstat, mkdir, open, readFile, realpath } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { VolplanError } from "../errors.js";

/** Who holds the lock, from `<stateDir>/lock` (informational only; the socket is the lock). */
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
  release(): Promise<void>;
}

/**
 * Why an abstract-namespace unix socket: Node has no flock/fcntl, and binding a name in the
 * abstract namespace is exclusive and vanishes with the process (even after SIGKILL), with
 * no file to go stale. The name hashes the state directory's real path, so two state
 * directories are two locks. Limit: the abstract namespace is per network namespace.
 */
export function lockAddress(realStateDir: string): string {
  return `\0volplan:${createHash("sha256").update(realStateDir).digest("hex")}`;
}

/** Creates the state directory (mode 0755) if missing; refuses a symlink or a non-directory; returns its real path. */
export async function ensureStateDir(stateDir: string): Promise<string> {
  const found = await lstat(stateDir).catch((cause: NodeJS.ErrnoException) => {
    if (cause.code === "ENOENT") return null;
    throw cause;
  });
  // Why 0755: the artifact cache inside is read-only content that deploy users pass to
  // nixos-anywhere (`volplan artifact path`); nothing secret is kept here.
  if (found === null) await mkdir(stateDir, { recursive: true, mode: 0o755 });
  const stat = await lstat(stateDir);
  if (stat.isSymbolicLink() || !stat.isDirectory()) {
    throw new VolplanError(
      "STATE_DIR_UNSAFE",
      `state directory ${stateDir} is ${stat.isSymbolicLink() ? "a symlink" : "not a directory"}; volplan keeps its lock and cache only in a real directory. Remove it or set stateDir to a directory owned by root.`,
    );
  }
  return realpath(stateDir);
}

function tryListen(address: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((socket) => socket.destroy());
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") resolve(null);
      else
        reject(
          new VolplanError("LOCK_FAILED", `cannot take the volplan lock: ${error.message}`, {
            cause: error,
          }),
        );
    });
    server.listen({ path: address }, () => {
      // Why unref: holding the lock must not keep the process alive on its own.
      server.unref();
      resolve(server);
    });
  });
}

/** Reads `<stateDir>/lock`; null when absent or unreadable. */
export async function readLockHolder(realStateDir: string): Promise<LockHolder | null> {
  const text = await readFile(path.join(realStateDir, "lock"), "utf8").catch(() => null);
  const match = /^pid (\d+)\nstarted (\S+)/.exec(text ?? "");
  return match === null ? null : { pid: Number(match[1]), startedAt: match[2] ?? "" };
}

async function writeLockFile(realStateDir: string): Promise<void> {
  const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;
  const handle = await open(
    path.join(realStateDir, "lock"),
    O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
    0o600,
  );
  try {
    await handle.writeFile(`pid ${process.pid}\nstarted ${new Date().toISOString()}\n`);
  } finally {
    await handle.close();
  }
}

function busyMessage(stateDir: string, holder: LockHolder | null): string {
  const who =
    holder === null
      ? "another volplan"
      : `volplan (pid ${holder.pid}, started ${holder.startedAt})`;
  return `${who} is running with state directory ${stateDir}; only one runs at a time. Wait for it to finish, or run again without --no-wait to wait.`;
}

/** Takes the host lock, waiting for the current holder unless `wait` is false. */
export async function acquireHostLock(options: LockOptions): Promise<HostLock> {
  const real = await ensureStateDir(options.stateDir);
  const address = lockAddress(real);
  const started = Date.now();
  let announced = false;
  for (;;) {
    const server = await tryListen(address);
    if (server !== null) {
      await writeLockFile(real);
      return {
        stateDir: real,
        release: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    }
    const holder = await readLockHolder(real);
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
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

/** Whether some process holds the lock of `stateDir` right now (connects; never takes it). */
export async function isHostLockHeld(stateDir: string): Promise<boolean> {
  const real = await realpath(stateDir).catch(() => null);
  if (real === null) return false;
  return new Promise((resolve) => {
    const socket = net.connect({ path: lockAddress(real) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
