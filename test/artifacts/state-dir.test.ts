// The state directory must be one only root (or the user running volplan) can write: a path handed
// out through a directory others can write could be replaced after volplan checked it.
import { chmod, chown, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { volplan } from "../cli/volplan.js";
import { haveRoot } from "../helpers/privilege.js";
import { digest } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";
import { startTestServer } from "./helpers/test-server.js";
import type { TestServer } from "./helpers/test-server.js";

const BODY = Buffer.from("a kexec tarball stand-in\n");

// Needs root: it hands directories to another user (nobody) and chowns them.
describe.runIf(haveRoot())("a state directory others can write", () => {
  let server: TestServer;
  let work: string;
  let stateDir: string;
  let manifest: string;
  beforeAll(async () => {
    server = await startTestServer();
    server.routes.set("/kexec.tar.gz", { body: BODY });
    work = await tempDir("volplan-statedir-");
    stateDir = path.join(work, "state");
    manifest = path.join(work, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir,
        artifacts: {
          kexec: {
            urls: [`${server.url}/kexec.tar.gz`],
            hash: digest(BODY).sri,
            fileName: "kexec.tar.gz",
          },
        },
      }),
    );
    const fetched = await volplan(["artifact", "fetch", "--manifest", manifest]);
    expect(fetched.exitCode, fetched.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
  });

  it("is refused by artifact path, fetch, gc and apply, with the fix; nothing is handed out", async () => {
    const good = await volplan(["artifact", "path", "kexec", "--manifest", manifest]);
    expect(good.exitCode, good.stderr).toBe(0);
    const cached = good.stdout.trim();
    await chmod(stateDir, 0o777);
    for (const args of [["artifact", "path", "kexec"], ["artifact", "fetch"], ["gc"], ["apply"]]) {
      const result = await volplan([...args, "--manifest", manifest]);
      expect(result.exitCode, args.join(" ")).toBe(1);
      expect(result.stdout, args.join(" ")).not.toContain(cached);
      expect(result.stderr, args.join(" ")).toContain(`state directory ${stateDir}`);
      expect(result.stderr, args.join(" ")).toContain("chmod go-w");
    }
    await chmod(stateDir, 0o755);
    expect((await volplan(["artifact", "path", "kexec", "--manifest", manifest])).exitCode).toBe(0);
  });

  it("under a directory another user owns, is refused (that user could swap it whole)", async () => {
    const other = path.join(work, "other");
    await mkdir(other);
    await rename(stateDir, path.join(other, "state"));
    const moved = path.join(other, "state");
    await chown(other, 65534, 65534);
    await chmod(work, 0o755); // let that user reach their directory
    const text = (await readFile(manifest, "utf8")).replace(stateDir, moved);
    const otherManifest = path.join(work, "other.json");
    await writeFile(otherManifest, text);
    const result = await volplan(["artifact", "path", "kexec", "--manifest", otherManifest]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("owned by uid 65534");
    // As that user, the swap the refusal prevents is possible: the whole state directory, and
    // so every cached file below it, can be replaced by one of theirs.
    const swap = await execa(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", "mv", moved, `${moved}.theirs`],
      { reject: false },
    );
    expect(swap.exitCode, swap.stderr).toBe(0);
  });
});
