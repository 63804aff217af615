// Path rules for extraction: archive names stay relative and inside the target, links never lead out.
import { lstat, readlink } from "node:fs/promises";
import path from "node:path";

/** Why an archive path is refused, or its components ("./a//b/" → ["a", "b"]). */
export function archiveComponents(name: string): { parts: string[] } | { problem: string } {
  if (name.startsWith("/")) return { problem: "it is an absolute path" };
  if (name.includes("\0")) return { problem: "it contains a NUL byte" };
  const parts = name.split("/").filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) return { problem: 'it contains ".."' };
  return { parts };
}

/** Whether a symlink stored at `parts` pointing to `target` stays inside the target directory, lexically. */
export function linkStaysInside(parts: readonly string[], target: string): boolean {
  if (target === "" || path.posix.isAbsolute(target)) return false;
  const resolved = path.posix.normalize(path.posix.join(...parts.slice(0, -1), ".", target));
  return resolved !== ".." && !resolved.startsWith("../");
}

/**
 * Resolves a path under `root` the way the kernel would, following symlinks found on disk but
 * never leaving root; returns false when some step escapes (an absolute link, ".." above root).
 */
export async function resolvesInside(
  root: string,
  parts: readonly string[],
  depth = 0,
): Promise<boolean> {
  if (depth > 40) return false;
  const stack: string[] = [];
  const queue = [...parts];
  let hops = depth;
  while (queue.length > 0) {
    const part = queue.shift() ?? "";
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (stack.length === 0) return false;
      stack.pop();
      continue;
    }
    stack.push(part);
    const stats = await lstat(path.join(root, ...stack)).catch(() => null);
    if (stats === null) return true;
    if (!stats.isSymbolicLink()) continue;
    if (++hops > 40) return false;
    const target = await readlink(path.join(root, ...stack));
    if (path.posix.isAbsolute(target)) return false;
    stack.pop();
    queue.unshift(...target.split("/"));
  }
  return true;
}
