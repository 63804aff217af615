import { execa } from "execa";
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLI } from "./volplan.js";
import { makeKexecTarball, type Tarball } from "../artifacts/helpers/tarballs.js";
import { tempDir } from "../artifacts/helpers/temp.js";
import { startTestServer, type TestServer } from "../artifacts/helpers/test-server.js";

const KiB = 1024;

let server: TestServer;
let tarball: Tarball;
let stateDir: string;
let manifest: string;

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(2);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  stateDir = await tempDir("volplan-state-");
  manifest = path.join(await tempDir("volplan-manifest-"), "manifest.json");
  await writeFile(
    manifest,
    JSON.stringify({
      version: 1,
      stateDir,
      artifacts: { kexec: { urls: [`${server.url}/k`], hash: tarball.sri } },
    }),
  );
});

// About 1.3 s for the 2 MiB tarball: long enough for a few redraws and a rate.
const PACED = { bytes: 64 * KiB, everyMs: 40 };
const env = { TERM: "xterm", NO_COLOR: "" };

describe("artifact fetch progress", () => {
  it("without a terminal: plain lines at most every tenth, then the outcome", async () => {
    server.routes.set("/k", { body: tarball.body, pace: PACED });
    const run = await execa("node", [CLI, "artifact", "fetch", "--manifest", manifest], {
      reject: false,
      timeout: 60_000,
      env,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain("kexec: downloaded");
    const lines = run.stderr.trimEnd().split("\n");
    expect(run.stderr).not.toContain("\r");
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines.length).toBeLessThanOrEqual(11);
    const percents = lines.map((line) => {
      const match = /^artifact kexec download +(\d+)% [\d.]+ [KM]?i?B \/ [\d.]+ MiB/.exec(line);
      expect(match, line).not.toBeNull();
      return Number(match?.[1]);
    });
    for (let i = 1; i < percents.length; i++) {
      expect(Math.floor((percents[i] ?? 0) / 10)).toBeGreaterThan(
        Math.floor((percents[i - 1] ?? 0) / 10),
      );
    }
    expect(lines.some((l) => /, [\d.]+ [KM]iB\/s, \d+ s left$/.test(l))).toBe(true);
  });

  it("under a pseudo-terminal: one bar redrawn in place with a rate and the time left", async () => {
    server.routes.set("/k", { body: tarball.body, pace: PACED });
    const command = [process.execPath, CLI, "artifact", "fetch", "--manifest", manifest]
      .map((word) => `'${word}'`)
      .join(" ");
    // script(1) gives the CLI a terminal on stdin, stdout and stderr, and copies what it shows.
    const run = await execa("script", ["-qfec", command, "/dev/null"], {
      reject: false,
      timeout: 60_000,
      env,
    });
    expect(run.exitCode, run.stdout).toBe(0);
    const draws = run.stdout.split("\r\x1b[K").slice(1);
    expect(draws.length).toBeGreaterThanOrEqual(3);
    expect(
      draws.some((draw) =>
        /^artifact kexec download \[[#.]{20}\] +\d+% [\d.]+ [KM]iB \/ [\d.]+ MiB, [\d.]+ [KM]iB\/s, \d+ s left$/.test(
          draw,
        ),
      ),
    ).toBe(true);
    expect(run.stdout).toContain("kexec: downloaded");
  });

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)(
    "on %s says which partial was kept and how to resume it, then exits %i",
    async (signal, code) => {
      server.routes.set("/k", { body: tarball.body, pace: { bytes: 16 * KiB, everyMs: 50 } });
      const child = execa("node", [CLI, "artifact", "fetch", "--manifest", manifest], {
        reject: false,
        timeout: 60_000,
        env,
      });
      const partial = path.join(stateDir, "cache", "partial", `${tarball.hex}.part`);
      // A slow transfer writes what it received at least once a second.
      await waitFor(async () => (await sizeOf(partial)) > 0);
      child.kill(signal);
      const run = await child;
      expect(run.exitCode).toBe(code);
      const kept = await sizeOf(partial);
      expect(kept).toBeGreaterThan(0);
      expect(run.stderr).toContain(`volplan: interrupted by ${signal}\n`);
      expect(run.stderr).toMatch(
        new RegExp(
          `artifact kexec: kept a resumable partial download, [\\d.]+ KiB \\(${partial}\\); volplan artifact fetch kexec --manifest ${manifest} resumes it`,
        ),
      );
    },
  );
});

async function sizeOf(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await sleep(25);
  }
  expect.fail("timed out waiting");
}
