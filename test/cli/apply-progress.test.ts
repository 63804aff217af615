// Apply reports long work on stderr: downloads and seed copies, as plain lines when not on a terminal.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digest } from "../artifacts/helpers/tarballs.js";
import { startTestServer } from "../artifacts/helpers/test-server.js";
import type { TestServer } from "../artifacts/helpers/test-server.js";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const MiB = 1024 * 1024;

describe("apply progress without a terminal", () => {
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    dir = await tempDir("volplan-apply-progress-");
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("prints a line per artifact download and seed copy, with bytes of the total", async () => {
    const body = Buffer.alloc(3 * MiB, 7);
    server.routes.set("/k.tar.gz", { body });
    const base = path.join(dir, "base.img");
    await execa("dd", ["if=/dev/urandom", `of=${base}`, "bs=1M", "count=8", "status=none"]);
    const manifest = path.join(dir, "manifest.json");
    await writeFile(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir: path.join(dir, "state"),
        volumes: {
          "vm/seeded": {
            path: path.join(dir, "seeded.img"),
            size: "16MiB",
            seed: { from: base },
            // Owned by the test's own user, so its directories are trusted also when not root.
            owner: process.getuid?.() ?? 0,
            group: process.getgid?.() ?? 0,
          },
        },
        artifacts: {
          kexec: { urls: [`${server.url}/k.tar.gz`], hash: digest(body).sri, fileName: "k.tar.gz" },
        },
      }),
    );
    const result = await volplan(["apply", "--manifest", manifest]);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    const lines = result.stderr.split("\n");
    // No terminal: plain lines, no carriage returns or erase sequences.
    expect(result.stderr).not.toContain("\r");
    expect(result.stderr).not.toContain("\u001b[");
    expect(lines).toContainEqual(
      expect.stringMatching(/^artifact kexec download +100% 3 MiB \/ 3 MiB/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^vm\/seeded copy +100% 8 MiB \/ 8 MiB/));
  });
});
