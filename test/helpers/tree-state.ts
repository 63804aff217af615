// Everything about a directory tree that a write, chmod, chown, rename or create would change.
import { lstat, readdir, readlink } from "node:fs/promises";
import path from "node:path";
import { sha256File } from "./sha256.js";

/** Per entry under `root` (by relative path): size, blocks, mode, owner, inode, links, mtime, ctime, and the contents' sha256 or a symlink's target. */
export async function treeState(root: string): Promise<Record<string, string>> {
  const state: Record<string, string> = {};
  const walk = async (entry: string): Promise<void> => {
    const st = await lstat(entry);
    const { size, blocks, mode, uid, gid, ino, nlink, mtimeMs, ctimeMs } = st;
    const content = st.isFile()
      ? await sha256File(entry)
      : st.isSymbolicLink()
        ? `-> ${await readlink(entry)}`
        : "";
    const fields = [size, blocks, mode.toString(8), uid, gid, ino, nlink, mtimeMs, ctimeMs];
    state[path.relative(root, entry) || "."] = `${fields.join(" ")} ${content}`;
    if (st.isDirectory()) {
      for (const name of (await readdir(entry)).sort()) await walk(path.join(entry, name));
    }
  };
  await walk(root);
  return state;
}
