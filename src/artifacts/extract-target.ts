// The directory an extraction writes into: one no other user can change, before or after.
// Why it matters: root runs what it extracts (kexec/run); a directory another user can write,
// or one below a directory they can write, lets them swap in their own tree once volplan is done.
import type { Stats } from "node:fs";
import { chmod, lstat, mkdir, readdir, realpath } from "node:fs/promises";
import path from "node:path";
import { VolplanError } from "../errors.js";
import { shellCommand } from "../text/shell-quote.js";

/** The target an extraction writes into, by its real path, and whether volplan created it. */
export interface ExtractTarget {
  readonly to: string;
  readonly created: boolean;
}

const FRESH =
  "Extract into a directory that does not exist yet (volplan creates it, owned by you and writable by no one else), in a directory only root or you can write to, such as /root or /run";

function caller(): number {
  return process.getuid?.() ?? 0;
}

function modeText(stats: Stats): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, "0");
}

function unsafe(to: string, detail: string, fix: string): VolplanError {
  return new VolplanError(
    "EXTRACT_TARGET_UNSAFE",
    `refusing to extract into ${to}: ${detail}, so someone else could swap what volplan extracts before it is used. ${fix}.`,
  );
}

// Why someone other than root or the caller could rename or replace entries in `dir`; null when no one can.
function writableByOthers(stats: Stats): string | null {
  if (stats.uid !== 0 && stats.uid !== caller()) return `it is owned by uid ${stats.uid}`;
  // The sticky bit stops others from renaming or removing entries they do not own; the target
  // itself is created exclusively (or checked to be the caller's), so a sticky /tmp is fine.
  if ((stats.mode & 0o1000) !== 0) return null;
  if ((stats.mode & 0o020) !== 0 && stats.gid !== 0) {
    return `it is writable by group ${stats.gid} (mode ${modeText(stats)})`;
  }
  if ((stats.mode & 0o002) !== 0) return `it is writable by everyone (mode ${modeText(stats)})`;
  return null;
}

// Every directory from / down to `dir` (already free of symlinks: a realpath).
async function checkAncestors(to: string, dir: string): Promise<void> {
  const chain: string[] = [];
  for (let at = dir; ; at = path.dirname(at)) {
    chain.unshift(at);
    if (at === path.dirname(at)) break;
  }
  for (const at of chain) {
    const reason = writableByOthers(await lstat(at));
    if (reason !== null) {
      throw unsafe(
        to,
        `its parent directory ${at} is not safe (${reason})`,
        `${FRESH}; or make ${at} safe (${shellCommand("chown", "root", at)}; ${shellCommand("chmod", "go-w", at)})`,
      );
    }
  }
}

// An existing target must be an empty directory of the caller's that no one else can write.
async function checkExisting(to: string, stats: Stats): Promise<void> {
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw unsafe(to, `it is ${stats.isSymbolicLink() ? "a symlink" : "not a directory"}`, FRESH);
  }
  const owner =
    stats.uid === caller() ? null : `it is owned by uid ${stats.uid}, not by you (uid ${caller()})`;
  const reason =
    owner ??
    ((stats.mode & 0o022) !== 0
      ? `it is writable by group or others (mode ${modeText(stats)})`
      : null);
  if (reason !== null) {
    throw unsafe(to, reason, `${FRESH}; or remove it and let volplan create it`);
  }
  if ((await readdir(to)).length > 0) {
    throw new VolplanError(
      "EXTRACT_TARGET_NOT_EMPTY",
      `${to} already exists and is not an empty directory; extract into a new directory (each extraction is a fresh private copy)`,
    );
  }
}

/**
 * Checks the directory `requested` names, or creates it (0755, owned by the caller, which
 * fails if something appears there first): its parent directories must be ones only root or
 * the caller can change, and an existing target must be an empty directory of the caller's
 * that is not writable by group or others, and not a symlink.
 */
export async function prepareTarget(requested: string): Promise<ExtractTarget> {
  const resolved = path.resolve(requested);
  const parent = await realpath(path.dirname(resolved)).catch((cause: NodeJS.ErrnoException) => {
    throw new VolplanError(
      "EXTRACT_TARGET_MISSING",
      `cannot extract into ${resolved}: its parent directory ${path.dirname(resolved)} cannot be resolved (${cause.code ?? cause.message}). Create it first, or choose another directory.`,
      { cause },
    );
  });
  const to = path.join(parent, path.basename(resolved));
  await checkAncestors(to, parent);
  const stats = await lstat(to).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (stats !== null) {
    await checkExisting(to, stats);
    return { to, created: false };
  }
  try {
    // Not recursive: fails with EEXIST if something appeared at the name since the lstat.
    await mkdir(to, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    await checkExisting(to, await lstat(to));
    return { to, created: false };
  }
  // mkdir honours the umask; the tree should look the same whoever extracts it.
  await chmod(to, 0o755);
  return { to, created: true };
}
