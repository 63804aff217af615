// The host filesystem under a path, read with statfs from the path or its nearest existing ancestor.
import { lstatSync, statfsSync } from "node:fs";
import path from "node:path";
import { deviceId } from "./device-id.js";

// Magic numbers from statfs(2) f_type.
const BTRFS_SUPER_MAGIC = 0x9123683e;

/** True for errors that mean the path (or one of its parents) is not there. */
export function isAbsent(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/**
 * The path itself when it exists, else its nearest existing ancestor (lstat: a symlink counts as
 * existing and is not followed). Why: statfs and device ids need an existing path, and a volume's
 * image or an artifact's cache entry may not be there yet.
 */
export function nearestExisting(file: string): string {
  let current = path.resolve(file);
  for (;;) {
    try {
      lstatSync(current);
      return current;
    } catch (error) {
      const parent = path.dirname(current);
      if (!isAbsent(error) || parent === current) throw error;
      current = parent;
    }
  }
}

/** Device id ("major:minor") of the filesystem holding `file` or its nearest existing ancestor. */
export function filesystemIdOf(file: string): string {
  return deviceId(lstatSync(nearestExisting(file)).dev);
}

/** Bytes available to unprivileged writers under `file` (f_bavail × f_bsize). */
export function freeBytesAt(file: string): number {
  const info = statfsSync(nearestExisting(path.dirname(file)), { bigint: true });
  return Number(info.bavail * info.bsize);
}

/** Whether `dir` lives on btrfs (new images there get NOCOW so VM writes do not fragment them). */
export function isOnBtrfs(dir: string): boolean {
  return statfsSync(dir).type === BTRFS_SUPER_MAGIC;
}
