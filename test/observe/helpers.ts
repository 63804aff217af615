// Builders and host helpers shared by the observe tests.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
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
