// Builders and host helpers shared by the observe tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll } from "vitest";
import type { DesiredState, DesiredVolume } from "../../src/manifest/desired.js";

/** A declared volume with test defaults (owned by the test's own user). */
export function volume(overrides: Partial<DesiredVolume> & { path: string }): DesiredVolume {
  return {
    id: overrides.id ?? overrides.path,
    kind: "image",
    size: 64 * 1024 * 1024,
    allocation: "sparse",
    format: { type: "ext4", label: null, uuid: null, mkfsArgs: [] },
    seed: null,
    growFilesystem: "host",
    owner: process.getuid?.() ?? 0,
    group: process.getgid?.() ?? 0,
    mode: 0o660,
    ...overrides,
  };
}

/** A desired state holding the given volumes. */
export function desired(volumes: readonly DesiredVolume[]): DesiredState {
  return {
    version: 1,
    stateDir: "/nonexistent/volplan-state",
    policy: { reserve: { kind: "percent", percent: 5 }, overcommit: "warn" },
    volumes: [...volumes].sort((a, b) => (a.id < b.id ? -1 : 1)),
    artifacts: [],
  };
}

/** Runs a tool with an argument array and a timeout; returns stdout. */
export async function run(file: string, args: readonly string[]): Promise<string> {
  const result = await execa(file, args, { timeout: 60_000 });
  return result.stdout;
}

/** A fresh private directory under the system temp dir, and its removal. */
export async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "volplan-observe-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A private directory for one test file: made before its tests, removed after them. */
export function useTempDir(): { readonly dir: string } {
  const scratch = { dir: "" };
  let remove = (): Promise<void> => Promise.resolve();
  beforeAll(async () => {
    ({ dir: scratch.dir, remove } = await tempDir());
  });
  afterAll(async () => {
    await remove();
  });
  return scratch;
}

/** True when running as root; in CI a missing capability is a failure, elsewhere a skip. */
export function haveRoot(): boolean {
  const root = process.getuid?.() === 0;
  if (!root && process.env.CI === "true") {
    throw new Error("this test needs root (CI must not skip it); run the suite as root");
  }
  return root;
}

/** blkid's low-level probe of a file as KEY=VALUE pairs. */
export async function blkid(path: string): Promise<Record<string, string>> {
  const out = await run("blkid", ["-p", "-o", "export", path]);
  return Object.fromEntries(
    out
      .split("\n")
      .filter((line) => line.includes("="))
      // export format escapes spaces and other specials with a backslash
      .map((line) => [
        line.slice(0, line.indexOf("=")),
        line.slice(line.indexOf("=") + 1).replace(/\\(.)/g, "$1"),
      ]),
  );
}

/** A helper process that printed "ready"; stop() kills it and waits for it to exit. */
export interface Helper {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts `python3 -c code ...args` and waits until it prints "ready" on stdout. */
export async function startPython(code: string, args: readonly string[]): Promise<Helper> {
  const child = execa("python3", ["-c", code, ...args], { timeout: 120_000, reject: false });
  const stop = async () => {
    child.kill("SIGKILL");
    await child;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let seen = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes("ready")) resolve();
      });
      void child.then((r) => reject(new Error(`helper exited early: ${r.stderr}`)));
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error("helper has no pid");
  return { pid, stop };
}

/** Python that takes a write OFD lock on argv[1], says ready, and waits. */
export const OFD_LOCKER = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
# struct flock: l_type, l_whence, l_start, l_len, l_pid (must be 0 for OFD locks)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi", fcntl.F_WRLCK, 0, 0, 0, 0))
print("ready", flush=True)
sys.stdin.read()
`;

/** Python that opens argv[1] read-only (no lock), says ready, and waits. */
export const OPENER = `
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print("ready", flush=True)
sys.stdin.read()
`;

/** Python that only says ready and waits; its argv is what the caller passes. */
export const IDLER = `
import sys
print("ready", flush=True)
sys.stdin.read()
`;
