// Facts about processes: this one's effective uid; from /proc, another's command name and whether
// a pid is a running volplan.
import { readFileSync } from "node:fs";

/** The effective uid of this process: the owner of every file volplan writes (0 where unknown). */
export function effectiveUid(): number {
  return process.geteuid?.() ?? 0;
}

function readOrNull(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null; // exited, or not ours to see
  }
}

/** The process name (/proc/PID/comm), or null when it is gone or unreadable. */
export function commandOf(pid: number, procRoot = "/proc"): string | null {
  return readOrNull(`${procRoot}/${pid}/comm`)?.trim() ?? null;
}

/**
 * Whether `pid` is a running volplan. Pids are reused, so a process counts only when its command
 * line names volplan; a temp file or grow mount named after a dead run's pid is reclaimable.
 */
export function isRunningVolplan(pid: number, procRoot = "/proc"): boolean {
  return readOrNull(`${procRoot}/${pid}/cmdline`)?.includes("volplan") === true;
}
