import { execa } from "execa";
import { writeFile } from "node:fs/promises";
import { mkdtemp, readdir, rm, stat, statfs } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchArtifacts, type FetchResult } from "../../src/artifacts/fetch-artifacts.js";
import { volplan } from "../cli/volplan.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";

const isRoot = process.getuid?.() === 0;
const inCi = process.env.CI === "true";
const MiB = 1024 * 1024;

let server: TestServer;
let tarball: Tarball;
let mountPoint = "";
let mounted = false;
let stateDir = "";

// A fresh 8 MiB tmpfs per test: the 6 MiB tarball fits, but not above a 4 MiB reserve.
async function mountTiny(): Promise<void> {
  if (mounted) await execa("umount", [mountPoint], { timeout: 30_000 });
  mounted = false;
  await execa("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mountPoint], { timeout: 30_000 });
  mounted = true;
  stateDir = path.join(mountPoint, "state");
}

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(6);
  if (isRoot) mountPoint = await mkdtemp(path.join(os.tmpdir(), "volplan-tiny-"));
});

beforeEach(async () => {
  server.routes.clear();
  if (isRoot) await mountTiny();
});

afterAll(async () => {
  await server.close();
  if (mounted) await execa("umount", [mountPoint], { timeout: 30_000 });
  if (mountPoint !== "") await rm(mountPoint, { recursive: true, force: true });
});

function kexec(extra: Record<string, unknown> = {}) {
  return desiredWith(stateDir, {
    kexec: { urls: [`${server.url}/k`], hash: tarball.sri, ...extra },
  }).desired;
}

function failure(results: FetchResult[]): string {
  const [result] = results;
  if (result === undefined || result.ok) return expect.fail("expected the fetch to fail");
  return String(result.error);
}

async function partialBytes(): Promise<number | null> {
  const file = path.join(stateDir, "cache", "partial", `${tarball.hex}.part`);
  return stat(file).then(
    (s) => s.size,
    () => null,
  );
}

async function freeBytes(): Promise<number> {
  const info = await statfs(mountPoint);
  return info.bavail * info.bsize;
}

const needsRoot = it.skipIf(!isRoot && !inCi);

describe("artifact fetch on a small filesystem", () => {
  needsRoot(
    "says the filesystem is full and removes the partial, which would hold the space",
    async () => {
      expect(isRoot, "mounting a tmpfs needs root").toBe(true);
      server.routes.set("/k", { body: tarball.body });
      await writeFile(path.join(mountPoint, "filler"), Buffer.alloc(4 * MiB));
      const message = failure(
        await fetchArtifacts({ stateDir, artifacts: kexec().artifacts, tuning: FAST }),
      );
      expect(message).toContain("the filesystem of the artifact cache is full (ENOSPC)");
      expect(message).toContain("the partial download was removed");
      expect(await readdir(path.join(stateDir, "cache", "sha256"))).toEqual([]);
      expect(await partialBytes()).toBeNull();
    },
  );

  needsRoot(
    "stops an unsized download of unknown length at the reserve and removes the partial",
    async () => {
      expect(isRoot, "mounting a tmpfs needs root").toBe(true);
      server.routes.set("/k", { body: tarball.body, noLength: true });
      const reserve = 4 * MiB;
      const message = failure(
        await fetchArtifacts({ stateDir, artifacts: kexec().artifacts, tuning: FAST, reserve }),
      );
      expect(message).toMatch(
        /artifact kexec: stopped after [\d.]+ MiB: writing on would leave less than the reserve of 4 MiB free/,
      );
      expect(message).toContain("the partial download was removed so it does not hold the space");
      expect(await partialBytes()).toBeNull();
      expect(await freeBytes()).toBeGreaterThanOrEqual(reserve);
    },
  );

  needsRoot(
    "refuses up front when the announced size does not fit above the reserve, keeping an earlier partial",
    async () => {
      expect(isRoot, "mounting a tmpfs needs root").toBe(true);
      server.routes.set("/k", { body: tarball.body, stallAfter: MiB });
      failure(await fetchArtifacts({ stateDir, artifacts: kexec().artifacts, tuning: FAST }));
      expect(await partialBytes()).toBe(MiB);
      server.routes.set("/k", { body: tarball.body });
      server.requests.length = 0;
      const message = failure(
        await fetchArtifacts({
          stateDir,
          artifacts: kexec().artifacts,
          tuning: FAST,
          reserve: 4 * MiB,
        }),
      );
      expect(message).toMatch(/artifact kexec: not started \(it needs [\d.]+ MiB more\)/);
      expect(message).toContain("nothing was written");
      expect(await partialBytes()).toBe(MiB);
    },
  );

  needsRoot(
    "artifact fetch keeps policy.reserve free (computed on the cache's filesystem)",
    async () => {
      expect(isRoot, "mounting a tmpfs needs root").toBe(true);
      server.routes.set("/k", { body: tarball.body, noLength: true });
      const manifest = path.join(mountPoint, "m.json");
      await writeFile(
        manifest,
        JSON.stringify({
          version: 1,
          stateDir,
          policy: { reserve: "50%" },
          artifacts: { kexec: { urls: [`${server.url}/k`], hash: tarball.sri } },
        }),
      );
      const run = await volplan(["artifact", "fetch", "--manifest", manifest]);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain("would leave less than the reserve of 4 MiB free");
      // The command to run again keeps the --manifest this one was given.
      expect(run.stderr).toContain(
        `then run volplan artifact fetch kexec --manifest ${manifest} again.`,
      );
      expect(await freeBytes()).toBeGreaterThanOrEqual(4 * MiB);
      server.routes.set("/k", { body: tarball.body });
      await rm(manifest);
    },
  );
});
