import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acquireHostLock, isHostLockHeld } from "../../src/host/lock.js";
import {
  CommandError,
  commandLine,
  execaRunner,
  isNoSpace,
  sanePath,
} from "../../src/host/runner.js";
import { bundle } from "../apply/fixtures/bundle.js";
import type { Bundle } from "../apply/fixtures/bundle.js";

describe("execaRunner", () => {
  it("returns stdout and stderr of a successful command", async () => {
    const result = await execaRunner("sh", ["-c", "echo out; echo err >&2"], { timeoutMs: 5000 });
    expect(result).toEqual({ exitCode: 0, stdout: "out", stderr: "err" });
  });

  it("passes arguments verbatim, never through a shell", async () => {
    const result = await execaRunner("printf", ["%s", "$(echo no); rm -rf /"], { timeoutMs: 5000 });
    expect(result.stdout).toBe("$(echo no); rm -rf /");
  });

  it("writes input to stdin", async () => {
    const result = await execaRunner("cat", [], { timeoutMs: 5000, input: "piped" });
    expect(result.stdout).toBe("piped");
  });

  it("puts the command line and stderr tail in the error", async () => {
    const error = await execaRunner("sh", ["-c", "echo 'No space left on device' >&2; exit 3"], {
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code: "COMMAND_FAILED", exitCode: 3 });
    expect((error as Error).message).toContain("`sh -c");
    expect((error as Error).message).toContain("No space left on device");
    expect(isNoSpace(error)).toBe(true);
  });

  it("accepts the exit codes it is told are fine", async () => {
    const result = await execaRunner("sh", ["-c", "exit 1"], {
      timeoutMs: 5000,
      okExitCodes: [0, 1],
    });
    expect(result.exitCode).toBe(1);
  });

  it.each([
    { what: "a timeout", file: "sleep", args: ["5"], timeoutMs: 200, code: "COMMAND_TIMEOUT" },
    {
      what: "a missing program",
      file: "volplan-no-such-tool",
      args: [],
      timeoutMs: 5000,
      code: "COMMAND_NOT_FOUND",
    },
  ])("reports $what with its own code", async ({ file, args, timeoutMs, code }) => {
    const error = await execaRunner(file, args, { timeoutMs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandError);
    expect(error).toMatchObject({ code });
  });
});

describe("sanePath", () => {
  it("keeps absolute entries first and drops relative ones", () => {
    expect(sanePath("/nix/tools/bin:.::relative").split(":").slice(0, 2)).toEqual([
      "/nix/tools/bin",
      "/run/wrappers/bin",
    ]);
    expect(sanePath(undefined)).toContain("/usr/sbin");
  });
});

describe("commandLine", () => {
  it("quotes words a shell would split", () => {
    expect(commandLine("mkfs.ext4", ["-L", "my label", "/a b"])).toBe(
      "mkfs.ext4 -L 'my label' '/a b'",
    );
  });
});

describe("execaRunner under the host lock", () => {
  let work: string;
  let program: Bundle;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-runner-lock-"));
    // Takes the lock, starts a child that outlives it by a while, reports the child's pid.
    program = await bundle({
      contents: `import { acquireHostLock } from "./src/host/lock.ts";
import { execaRunner } from "./src/host/runner.ts";
await acquireHostLock({ stateDir: process.argv[2] });
void execaRunner("sh", ["-c", "echo $$ > " + process.argv[3] + "; exec sleep 3"], { timeoutMs: 60_000 });
setInterval(() => undefined, 1000);`,
    });
  });
  afterAll(async () => {
    await program?.cleanup();
    await rm(work, { recursive: true, force: true });
  });

  it("hands the lock to every child: volplan killed alone leaves the host locked until its child ends", async () => {
    const stateDir = path.join(work, "state");
    const pidFile = path.join(work, "child.pid");
    const parent = execa("node", [program.file, stateDir, pidFile], {
      timeout: 60_000,
      reject: false,
    });
    let child = 0;
    for (let i = 0; i < 500 && child === 0; i++) {
      child = Number(await readFile(pidFile, "utf8").catch(() => "0")) || 0;
      if (child === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(child).toBeGreaterThan(0);
    parent.kill("SIGKILL");
    await parent;
    // The parent is gone; its orphaned child still holds the lock description.
    expect(isHostLockHeld(stateDir)).toBe(true);
    const busy = await acquireHostLock({ stateDir, wait: false }).catch((e: unknown) => e);
    expect(busy).toMatchObject({ code: "LOCK_BUSY" });
    expect((busy as Error).message).toContain(`pid ${parent.pid}`);
    expect((busy as Error).message).toContain("has exited, but a command it started");
    for (let i = 0; i < 600 && existsSync(`/proc/${child}`); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(existsSync(`/proc/${child}`)).toBe(false);
    expect(isHostLockHeld(stateDir)).toBe(false);
  });

  it("passes no lock descriptor when no lock is held", async () => {
    const result = await execaRunner(
      "sh",
      ["-c", "test -e /proc/self/fd/3 && echo open || echo closed"],
      {
        timeoutMs: 5000,
      },
    );
    expect(result.stdout).toBe("closed");
  });
});
