// Where volplan keeps Node's compile cache, and which directories it refuses to load code from.
import { chmod, chown, lstat, mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import nodeModule from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT_CACHE_DIR, compileCacheDir, unsafeCacheDir } from "../../src/cli/compile-cache.js";
import { haveRoot } from "../helpers/privilege.js";
import { useTempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const home = () => "/home/alice";

describe("compileCacheDir", () => {
  it.each([
    ["root, whatever HOME and XDG_CACHE_HOME say", 0, { XDG_CACHE_HOME: "/x" }, ROOT_CACHE_DIR],
    ["a user with XDG_CACHE_HOME", 1000, { XDG_CACHE_HOME: "/x/cache" }, "/x/cache/volplan"],
    [
      "a user with a relative XDG_CACHE_HOME (ignored, as the spec asks)",
      1000,
      { XDG_CACHE_HOME: "cache" },
      "/home/alice/.cache/volplan",
    ],
    ["a user without XDG_CACHE_HOME", 1000, {}, "/home/alice/.cache/volplan"],
    ["NODE_COMPILE_CACHE set (Node turned it on itself)", 0, { NODE_COMPILE_CACHE: "/c" }, null],
    ["NODE_DISABLE_COMPILE_CACHE set", 1000, { NODE_DISABLE_COMPILE_CACHE: "1" }, null],
  ])("%s", (_name, uid, env, expected) => {
    expect(compileCacheDir({ uid, env, home })).toBe(expected);
  });
});

describe("unsafeCacheDir", () => {
  const scratch = useTempDir();
  const uid = process.getuid?.() ?? 0;
  let n = 0;

  // A fresh parent/cache pair with the given modes, both owned by this process's user.
  async function cacheDir(modes: { parent?: number; cache?: number } = {}): Promise<string> {
    const parent = path.join(scratch.dir, `case-${++n}`);
    const cache = path.join(parent, "volplan");
    await mkdir(cache, { recursive: true });
    await chmod(cache, modes.cache ?? 0o700);
    await chmod(parent, modes.parent ?? 0o755);
    return cache;
  }

  it("accepts a private directory of the caller below directories only it or root can write", async () => {
    expect(unsafeCacheDir(await cacheDir(), uid)).toBeNull();
  });

  it("accepts a parent everyone may write when it is sticky (as /tmp is)", async () => {
    expect(unsafeCacheDir(await cacheDir({ parent: 0o1777 }), uid)).toBeNull();
  });

  it.each([
    ["group-writable", { cache: 0o770 }, /volplan is writable by others \(mode 770\)$/],
    ["writable by everyone", { cache: 0o702 }, /volplan is writable by others \(mode 702\)$/],
    ["sticky but writable by everyone", { cache: 0o1777 }, /volplan is writable by others/],
    ["below a group-writable parent", { parent: 0o775 }, /case-\d+ is writable by others/],
    ["below a parent anyone may write", { parent: 0o777 }, /case-\d+ is writable by others/],
  ])("refuses a cache directory %s", async (_name, modes, problem) => {
    expect(unsafeCacheDir(await cacheDir(modes), uid)).toMatch(problem);
  });

  it("refuses a directory another user owns", async () => {
    const cache = await cacheDir();
    expect(unsafeCacheDir(cache, uid + 1)).toBe(`${cache} is owned by uid ${uid}, not ${uid + 1}`);
  });

  it("refuses a symlink to a safe directory, a file and a missing name", async () => {
    const cache = await cacheDir();
    const link = path.join(path.dirname(cache), "link");
    await symlink(cache, link);
    expect(unsafeCacheDir(link, uid)).toBe(`${link} is a symlink`);
    const file = path.join(path.dirname(cache), "file");
    await writeFile(file, "");
    expect(unsafeCacheDir(file, uid)).toBe(`${file} is not a directory`);
    expect(unsafeCacheDir(path.join(cache, "missing"), uid)).toMatch(/missing: ENOENT$/);
  });

  it.runIf(haveRoot())("refuses a directory below one another (non-root) user owns", async () => {
    const cache = await cacheDir();
    await chown(path.dirname(cache), 65534, 65534);
    expect(unsafeCacheDir(cache, 0)).toBe(
      `${path.dirname(cache)} is owned by uid 65534, not 0 or root`,
    );
  });
});

const hasCompileCache =
  typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === "function";

// Runs only where Node has a compile cache (22.1 on): as root it lands in /var/cache/volplan,
// otherwise under XDG_CACHE_HOME, which the test points at its own directories.
describe.runIf(hasCompileCache)("the built volplan on a Node with a compile cache", () => {
  const scratch = useTempDir();

  it("keeps its compiled code in a safe directory and never in an unsafe one", async () => {
    if (process.getuid?.() === 0) {
      expect((await volplan(["--version"])).exitCode).toBe(0);
      const stats = await lstat(ROOT_CACHE_DIR);
      expect([stats.isDirectory(), stats.uid, stats.mode & 0o777]).toEqual([true, 0, 0o700]);
      expect(await readdir(ROOT_CACHE_DIR)).not.toEqual([]);
      return;
    }
    const safe = path.join(scratch.dir, "safe");
    const open = path.join(scratch.dir, "open");
    await mkdir(path.join(safe, "volplan"), { recursive: true, mode: 0o700 });
    await mkdir(path.join(open, "volplan"), { recursive: true });
    await chmod(path.join(open, "volplan"), 0o777);
    expect((await volplan(["--version"], { env: { XDG_CACHE_HOME: safe } })).exitCode).toBe(0);
    expect((await volplan(["--version"], { env: { XDG_CACHE_HOME: open } })).exitCode).toBe(0);
    expect(await readdir(path.join(safe, "volplan"))).not.toEqual([]);
    expect(await readdir(path.join(open, "volplan"))).toEqual([]);
  });
});
