// Facts about the host filesystem under a path, read at apply time with statfs.
import { statfs } from "node:fs/promises";
import path from "node:path";

// Magic numbers from statfs(2) f_type.
const BTRFS_SUPER_MAGIC = 0x9123683e;

/** Whether `dir` lives on btrfs (new images there get NOCOW so VM writes do not fragment them). */
export async function isOnBtrfs(dir: string): Promise<boolean> {
  const info = await statfs(dir);
  return info.type === BTRFS_SUPER_MAGIC;
}

/** Bytes available to unprivileged writers under `file` (f_bavail × f_bsize), from its nearest existing ancestor. */
export async function freeBytesAt(file: string): Promise<number> {
  let current = path.dirname(file);
  for (;;) {
    try {
      const info = await statfs(current);
      return info.bavail * info.bsize;
    } catch (cause) {
      const parent = path.dirname(current);
      if ((cause as NodeJS.ErrnoException).code !== "ENOENT" || parent === current) throw cause;
      current = parent;
    }
  }
}
