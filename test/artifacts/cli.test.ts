import { access, constants, lstat, readFile, readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVolplan, volplan } from "../cli/volplan.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

const FILE = "nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz";
const MiB = 1024 * 1024;

let server: TestServer;
let tarball: Tarball;
let stateDir: string;
let manifest: string;

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(6);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  stateDir = await tempDir("volplan-state-");
  manifest = path.join(await tempDir("volplan-manifest-"), "manifest.json");
  server.routes.clear();
  server.requests.length = 0;
  server.bytesServed = 0;
  server.routes.set("/k", { body: tarball.body });
  await writeManifest({ kexec: { urls: [`${server.url}/k`], hash: tarball.sri, fileName: FILE } });
});

async function writeManifest(artifacts: Record<string, unknown>): Promise<void> {
  await writeFile(manifest, JSON.stringify({ version: 1, stateDir, artifacts }));
}

describe("volplan artifact and gc", () => {
  it("artifact path fails with the fetch command before a fetch, and prints a readable .tar.gz path after", async () => {
    const before = await volplan(["artifact", "path", "kexec", "--manifest", manifest]);
    expect(before.exitCode).toBe(1);
    expect(before.stderr).toContain(
      "artifact kexec is not cached yet; run volplan artifact fetch kexec",
    );
    expect(server.requests).toHaveLength(0);

    const fetched = await volplan(["artifact", "fetch", "--manifest", manifest]);
    expect(fetched.exitCode).toBe(0);
    expect(fetched.stdout.trim().split("\n")).toHaveLength(1);
    expect(fetched.stdout).toContain("kexec: downloaded");

    const after = await volplan(["artifact", "path", "kexec", "--manifest", manifest]);
    expect(after.exitCode).toBe(0);
    const printed = after.stdout.trim();
    expect(printed.endsWith(`/${FILE}`)).toBe(true);
    await access(printed, constants.R_OK);
    expect((await readFile(printed)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(server.requests).toHaveLength(1);
  });

  it("artifact extract gives independent trees and leaves the cache unchanged", async () => {
    expect((await volplan(["artifact", "fetch", "kexec", "--manifest", manifest])).exitCode).toBe(
      0,
    );
    const work = await tempDir("volplan-trees-");
    const [a, b] = [path.join(work, "a"), path.join(work, "b")];
    expect(
      (await volplan(["artifact", "extract", "kexec", "--to", a, "--manifest", manifest])).exitCode,
    ).toBe(0);
    expect(
      (await volplan(["artifact", "extract", "kexec", "--to", b, "--manifest", manifest])).exitCode,
    ).toBe(0);
    await writeFile(path.join(a, "kexec", "initrd"), "appended by kexec/run", { flag: "a" });
    const initrdA = await readFile(path.join(a, "kexec", "initrd"));
    const initrdB = await readFile(path.join(b, "kexec", "initrd"));
    expect(initrdA.equals(initrdB)).toBe(false);
    const verify = await volplan(["artifact", "fetch", "--verify", "--manifest", manifest]);
    expect(verify.stdout).toContain("kexec: verified");
    const again = await volplan([
      "artifact",
      "extract",
      "kexec",
      "--to",
      a,
      "--manifest",
      manifest,
    ]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain("not an empty directory");
  });

  it("gc removes only unreferenced entries and partials inside the cache", async () => {
    expect((await volplan(["artifact", "fetch", "--manifest", manifest])).exitCode).toBe(0);
    const stray = path.join(stateDir, "cache", "partial", `${"e".repeat(64)}.part`);
    await writeFile(stray, Buffer.alloc(4096));
    const outside = path.join(stateDir, "keep-me");
    await writeFile(outside, "not cache");
    const cached = (
      await volplan(["artifact", "path", "kexec", "--manifest", manifest])
    ).stdout.trim();

    const kept = await volplan(["gc", "--manifest", manifest]);
    expect(kept.stdout).toContain(`removed ${stray}`);
    await access(cached);

    await writeManifest({});
    const dry = await volplan(["gc", "--dry-run", "--manifest", manifest]);
    expect(dry.stdout).toContain(`would remove ${path.dirname(cached)}`);
    await access(cached);
    const real = await volplan(["gc", "--manifest", manifest]);
    expect(real.exitCode).toBe(0);
    expect(real.stdout).toMatch(/removed 1 item\(s\), [\d.]+ MiB/);
    expect(await readdir(path.join(stateDir, "cache", "sha256"))).toEqual([]);
    expect(await readFile(outside, "utf8")).toBe("not cache");
  });

  it("SIGKILL mid-download leaves only a resumable partial, and the next fetch resumes it", async () => {
    server.routes.set("/k", { body: tarball.body, stallAfter: 5 * MiB });
    const child = startVolplan(["artifact", "fetch", "--manifest", manifest], { timeout: 60_000 });
    const partial = path.join(stateDir, "cache", "partial", `${tarball.hex}.part`);
    for (let i = 0; i < 600; i++) {
      const size = await stat(partial).then(
        (s) => s.size,
        () => 0,
      );
      if (size >= 4 * MiB) break;
      await sleep(50);
    }
    child.kill("SIGKILL");
    const result = await child;
    expect(result.signal).toBe("SIGKILL");
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThanOrEqual(4 * MiB);
    expect(await readdir(path.join(stateDir, "cache", "sha256"))).toEqual([]);
    const meta = JSON.parse(await readFile(`${partial}.json`, "utf8"));
    expect(meta.url).toBe(`${server.url}/k`);
    await expect(lstat(path.join(stateDir, "cache", "sha256", tarball.hex))).rejects.toThrow(
      /ENOENT/,
    );

    server.routes.set("/k", { body: tarball.body });
    server.bytesServed = 0;
    const resumed = await volplan(["artifact", "fetch", "--manifest", manifest]);
    expect(resumed.exitCode).toBe(0);
    expect(resumed.stdout).toContain("resumed after");
    expect(server.bytesServed).toBe(tarball.body.length - kept);
    const printed = (
      await volplan(["artifact", "path", "kexec", "--manifest", manifest])
    ).stdout.trim();
    expect((await readFile(printed)).equals(tarball.body)).toBe(true);
  });
});
