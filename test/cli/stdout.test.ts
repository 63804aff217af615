// How the bundle writes to standard output: a file, a pipe closed early, a full pipe.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVolplan, volplan } from "./volplan.js";

let dir = "";
let before = "";
let after = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-cli-stdout-"));
  const volumes: Record<string, unknown> = {};
  // 500 volumes to create: the JSON plan (about 260 KB) is larger than a pipe's buffer. `diff`
  // never looks at the host, so two runs print the same bytes whatever else changes meanwhile.
  for (let i = 0; i < 500; i++) {
    volumes[`vm${i}/root`] = {
      path: path.join(dir, `vm${i}.img`),
      size: "1GiB",
      format: { type: "ext4" },
      owner: process.getuid?.() ?? 0,
      group: process.getgid?.() ?? 0,
      mode: "0600",
    };
  }
  const stateDir = path.join(dir, "state");
  before = path.join(dir, "before.json");
  after = path.join(dir, "after.json");
  await writeFile(before, JSON.stringify({ version: 1, stateDir, volumes: {} }));
  await writeFile(after, JSON.stringify({ version: 1, stateDir, volumes }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("volplan standard output", () => {
  it("writes the same bytes to a file as to a pipe", async () => {
    const piped = await volplan(["diff", before, after, "--json"]);
    expect(piped.exitCode).toBe(0);
    const file = path.join(dir, "plan.json");
    const result = await volplan(["diff", before, after, "--json"], { stdout: { file } });
    expect(result.exitCode).toBe(0);
    const written = await readFile(file, "utf8");
    expect(written.length).toBeGreaterThan(128 * 1024);
    expect(written).toBe(piped.stdout);
  });

  it("exits quietly when the reader closes the pipe early (volplan diff | head)", async () => {
    const subprocess = startVolplan(["diff", before, after, "--json"]);
    subprocess.stdout?.destroy();
    const result = await subprocess;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
  });
});
