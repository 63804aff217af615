import { createHash } from "node:crypto";
import { lstat, mkdir, readdir, readFile, symlink, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fingerprintSnapshot } from "../../src/planfile/fingerprint.js";
import { observe } from "../../src/observe/observe.js";
import { desired, run, useTempDir, volume } from "./helpers.js";

const MiB = 1024 * 1024;
const scratch = useTempDir();

// Everything about a tree that a write (or a chmod, chown, rename, create) would change.
async function treeState(root: string): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  const walk = async (path: string): Promise<void> => {
    const st = await lstat(path);
    const { size, mode, uid, gid, ino, nlink, mtimeMs, ctimeMs } = st;
    const content = st.isFile()
      ? createHash("sha256")
          .update(await readFile(path))
          .digest("hex")
      : null;
    state[path] = { size, mode, uid, gid, ino, nlink, mtimeMs, ctimeMs, content };
    if (st.isDirectory())
      for (const name of (await readdir(path)).sort()) await walk(join(path, name));
  };
  await walk(root);
  return state;
}

describe("observe", () => {
  it("writes nothing: every file keeps its stat and contents", async () => {
    const images = join(scratch.dir, "images");
    await mkdir(images);
    const paths = ["a.img", "b.img", "c.img"].map((name) => join(images, name));
    for (const path of paths) {
      await writeFile(path, "");
      await truncate(path, 16 * MiB);
      await run("mkfs.ext4", ["-F", "-q", path]);
    }
    await writeFile(join(images, ".a.img.volplan-tmp-4194305-0badf00d"), "partial");
    await symlink(paths[0] ?? "", join(images, "link.img"));
    const volumes = [
      ...paths.map((path, i) => volume({ id: `v${i}`, path, size: 32 * MiB })),
      volume({ id: "link", path: join(images, "link.img") }),
      volume({ id: "missing", path: join(images, "missing.img"), seed: { from: paths[1] ?? "" } }),
    ];
    const before = await treeState(scratch.dir);
    const first = await observe(desired(volumes));
    const second = await observe(desired(volumes));
    expect(await treeState(scratch.dir)).toEqual(before);
    expect(fingerprintSnapshot(second)).toBe(fingerprintSnapshot(first));
    expect(first.tempFiles).toHaveLength(1);
  });
});
