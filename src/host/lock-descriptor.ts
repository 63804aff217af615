// The descriptor of the host lock this process holds, kept apart from lock.ts so the runner can
// hand it to every child without importing the lock (which imports the runner's PATH rule).

let heldFd: number | null = null;

/** The descriptor of the host lock while this process holds it, else null. */
export function lockDescriptor(): number | null {
  return heldFd;
}

/** Records the held lock's descriptor (null once released); only lock.ts calls it. */
export function setLockDescriptor(fd: number | null): void {
  heldFd = fd;
}
