// The line the CLI prints while it waits for another volplan to release the host lock.

/** "waiting for volplan (pid 123) to finish…"; the pid when the lock file names it. */
export function waitingMessage(holder: { readonly pid: number } | null): string {
  return `waiting for volplan${holder === null ? "" : ` (pid ${holder.pid})`} to finish…`;
}
