import { execa } from "execa";
import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchArtifacts } from "../../src/artifacts/fetch-artifacts.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";

const isRoot = process.getuid?.() === 0;
const inCi = process.env.CI === "true";

let server: TestServer;
let tarball: Tarball;
let mountPoint = "";
let mounted = false;

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(6);
  if (!isRoot) return;
  mountPoint = await mkdtemp(path.join(os.tmpdir(), "volplan-tiny-"));
  await execa("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint], { timeout: 30_000 });
  mounted = true;
});

afterAll(async () => {
  await server.close();
  if (mounted) await execa("umount", [mountPoint], { timeout: 30_000 });
  if (mountPoint !== "") await rm(mountPoint, { recursive: true, force: true });
});

describe("artifact fetch on a full filesystem", () => {
  it.skipIf(!isRoot && !inCi)(
    "says the cache filesystem is full and keeps the partial for later",
    async () => {
      expect(isRoot, "mounting a tiny tmpfs needs root").toBe(true);
      server.routes.set("/k", { body: tarball.body });
      const stateDir = path.join(mountPoint, "state");
      const { desired } = desiredWith(stateDir, {
        kexec: { urls: [`${server.url}/k`], hash: tarball.sri },
      });
      const [result] = await fetchArtifacts({
        stateDir,
        artifacts: desired.artifacts,
        tuning: FAST,
      });
      if (result === undefined || result.ok) return expect.fail("expected the fetch to fail");
      expect(String(result.error)).toContain(
        "the filesystem of the artifact cache is full (ENOSPC)",
      );
      expect(await readdir(path.join(stateDir, "cache", "sha256"))).toEqual([]);
      expect(
        (await stat(path.join(stateDir, "cache", "partial", `${tarball.hex}.part`))).size,
      ).toBeGreaterThan(0);
    },
  );
});
