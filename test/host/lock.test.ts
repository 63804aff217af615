import { chmod, chown, lstat, mkdtemp, readdir, readFile, stat, symlink } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireHostLock, isHostLockHeld } from "../../src/host/lock.js";
import { bundle } from "../apply/fixtures/bundle.js";
import type { Bundle } from "../apply/fixtures/bundle.js";
import { haveRoot } from "../helpers/privilege.js";
import { tempDir } from "../helpers/temp-dir.js";

// Playing another user (setpriv, chown) needs root.
const root = haveRoot();

describe("host lock", () => {
  let work: string;
  let holder: Bundle;
  beforeAll(async () => {
    work = await tempDir("volplan-lock-");
    holder = await bundle({
      contents: `import { acquireHostLock } from "./src/host/lock.ts";
await acquireHostLock({ stateDir: process.argv[2] });
process.stdout.write("held\\n");
setInterval(() => undefined, 1000);`,
    });
  });
  afterAll(async () => {
    await holder?.cleanup();
  });

  it("creates the state directory with mode 0755 (the cache is readable by deploy users) and records the holder", async () => {
    const stateDir = path.join(work, "fresh", "state");
    const lock = await acquireHostLock({ stateDir });
    try {
      expect((await stat(stateDir)).mode & 0o777).toBe(0o755);
      expect(await readFile(path.join(stateDir, "lock"), "utf8")).toMatch(
        new RegExp(`^pid ${process.pid}\\nstarted `),
      );
      expect(isHostLockHeld(stateDir)).toBe(true);
    } finally {
      lock.release();
    }
    expect(isHostLockHeld(stateDir)).toBe(false);
  });

  it("refuses a symlinked state directory", async () => {
    const real = path.join(work, "real-state");
    const link = path.join(work, "link-state");
    await execa("mkdir", [real]);
    await symlink(real, link);
    await expect(acquireHostLock({ stateDir: link })).rejects.toMatchObject({
      code: "STATE_DIR_UNSAFE",
    });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
  });

  it("fails at once with LOCK_BUSY under no-wait, times out when waiting, and is freed when its SIGKILLed holder dies", async () => {
    const stateDir = path.join(work, "contended");
    const child = execa("node", [holder.file, stateDir], { timeout: 60_000, reject: false });
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (chunk: Buffer) =>
          chunk.toString().includes("held") ? resolve() : undefined,
        );
        child.once("exit", () => reject(new Error("lock holder exited early")));
      });
      const busy = await acquireHostLock({ stateDir, wait: false }).catch((e: unknown) => e);
      expect(busy).toMatchObject({ code: "LOCK_BUSY" });
      expect((busy as Error).message).toContain(`pid ${child.pid}`);
      const waits: unknown[] = [];
      const timedOut = await acquireHostLock({
        stateDir,
        timeoutMs: 1500,
        onWaiting: (h) => waits.push(h),
      }).catch((e: unknown) => e);
      expect(timedOut).toMatchObject({ code: "LOCK_TIMEOUT" });
      expect(waits).toEqual([{ pid: child.pid, startedAt: expect.any(String) }]);
    } finally {
      child.kill("SIGKILL");
      await child;
    }
    const lock = await acquireHostLock({ stateDir, wait: false });
    lock.release();
  });

  it("waits for a holder that releases", async () => {
    const stateDir = path.join(work, "handover");
    const first = await acquireHostLock({ stateDir });
    const second = acquireHostLock({ stateDir, pollMs: 20 });
    first.release();
    (await second).release();
    expect(isHostLockHeld(stateDir)).toBe(false);
  });

  it.skipIf(!root)(
    "cannot be taken or held by a user who is not root (the lock file is root's, 0600)",
    async () => {
      const stateDir = path.join(work, "not-for-nobody");
      const lock = await acquireHostLock({ stateDir });
      lock.release();
      // As nobody: opening the lock file to flock it fails, so nothing can block root's apply.
      const attempt = await execa(
        "setpriv",
        [
          "--reuid=65534",
          "--regid=65534",
          "--clear-groups",
          "flock",
          "--exclusive",
          "--nonblock",
          path.join(stateDir, "lock"),
          "sleep",
          "30",
        ],
        { reject: false, timeout: 30_000 },
      );
      expect(attempt.exitCode).not.toBe(0);
      expect(attempt.stderr).toMatch(/Permission denied/);
      const again = await acquireHostLock({ stateDir, wait: false });
      again.release();
    },
  );

  it("refuses a FIFO planted at the lock path at once instead of hanging", async () => {
    const stateDir = path.join(work, "fifo");
    await execa("mkdir", [stateDir]);
    await execa("mkfifo", [path.join(stateDir, "lock")]);
    await expect(acquireHostLock({ stateDir, wait: false })).rejects.toMatchObject({
      code: "LOCK_FAILED",
      message: expect.stringContaining("not a regular file"),
    });
  });

  it.skipIf(!root).each([
    { what: "a state directory anyone can write", mode: 0o777, uid: 0, gid: 0, at: "state" },
    { what: "a state directory nogroup can write", mode: 0o775, uid: 0, gid: 65534, at: "state" },
    { what: "a state directory owned by nobody", mode: 0o755, uid: 65534, gid: 0, at: "state" },
    { what: "a parent owned by nobody", mode: 0o755, uid: 65534, gid: 0, at: "parent" },
  ])(
    "refuses $what (STATE_DIR_UNSAFE) and creates nothing in it",
    async ({ mode, uid, gid, at }) => {
      const parent = await mkdtemp(path.join(work, "unsafe-"));
      const stateDir = path.join(parent, "state");
      await execa("mkdir", [stateDir]);
      const target = at === "state" ? stateDir : parent;
      await chmod(target, mode);
      await chown(target, uid, gid);
      await expect(acquireHostLock({ stateDir, wait: false })).rejects.toMatchObject({
        code: "STATE_DIR_UNSAFE",
        message: expect.stringContaining("chmod go-w"),
      });
      expect(await readdir(stateDir)).toEqual([]);
    },
  );
});
