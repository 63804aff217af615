// The one place artifact commands take the global lock, so cache writers never overlap.
import { acquireHostLock } from "../host/lock.js";

/** How the caller relates to the global lock. */
export interface LockUse {
  readonly stateDir: string;
  /** True when the caller (volplan apply) already holds the lock. */
  readonly held?: boolean;
  /** Called once when another volplan holds the lock, so the CLI can say whom it waits for. */
  readonly onWaiting?: (holder: { readonly pid: number } | null) => void;
}

/** Runs `work` while holding the host lock of the state directory (waits for another volplan). */
export async function withCacheLock<T>(use: LockUse, work: () => Promise<T>): Promise<T> {
  if (use.held === true) return work();
  const lock = await acquireHostLock({
    stateDir: use.stateDir,
    ...(use.onWaiting ? { onWaiting: use.onWaiting } : {}),
  });
  try {
    return await work();
  } finally {
    lock.release();
  }
}
