// Private scratch directories for tests: each is made fresh (mode 0700) and removed after its test file.
import { mkdtemp, readFile, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { parseMountinfo } from "../../src/host/mountinfo.js";

const made: string[] = [];

// Registered when a test file first imports this module, so it runs after all of that file's tests.
afterAll(async () => {
  const refused: string[] = [];
  for (const dir of made.splice(0)) {
    const problem = await mountedBelow(dir);
    if (problem === null) await rm(dir, { recursive: true, force: true });
    else refused.push(problem);
  }
  if (refused.length > 0) throw new Error(refused.join("\n"));
});

// A recursive removal would walk into a filesystem still mounted below `dir` and empty it.
async function mountedBelow(dir: string): Promise<string | null> {
  const real = await realpath(dir).catch(() => null);
  if (real === null) return null;
  const mounts = parseMountinfo(await readFile("/proc/self/mountinfo", "utf8"))
    .map((mount) => mount.mountPoint)
    .filter((point) => point === real || point.startsWith(`${real}/`));
  if (mounts.length === 0) return null;
  return `${dir} was not removed: ${mounts.join(", ")} is still mounted below it (a test did not unmount it)`;
}

/** A fresh private directory under the system temp directory, removed after the test file. */
export async function tempDir(prefix = "volplan-test-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** A private directory for the whole test file: `dir` is set before the file's tests run. */
export function useTempDir(prefix?: string): { readonly dir: string } {
  const scratch = { dir: "" };
  beforeAll(async () => {
    scratch.dir = await tempDir(prefix);
  });
  return scratch;
}
