// How the bundle writes to standard output: a file, a pipe closed early, a full pipe.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVolplan, volplan } from "./volplan.js";

let dir = "";
let manifest = "";

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-cli-stdout-"));
  const volumes: Record<string, unknown> = {};
  // 500 volumes to create: the JSON plan (about 300 KB) is larger than a pipe's buffer.
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
  manifest = path.join(dir, "manifest.json");
  const stateDir = path.join(dir, "state");
  await writeFile(manifest, JSON.stringify({ version: 1, stateDir, volumes }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("volplan standard output", () => {
  it("writes the same bytes to a file as to a pipe", async () => {
    const piped = await volplan(["plan", "--json", "--manifest", manifest]);
    expect(piped.exitCode).toBe(0);
    const file = path.join(dir, "plan.json");
    const result = await volplan(["plan", "--json", "--manifest", manifest], { stdout: { file } });
    expect(result.exitCode).toBe(0);
    const written = await readFile(file, "utf8");
    expect(written.length).toBeGreaterThan(128 * 1024);
    // Free space on the host filesystem may change between the two runs; nothing else may.
    const steady = (text: string) => text.replace(/"(free|remaining)": \d+/g, '"$1": 0');
    expect(steady(written)).toBe(steady(piped.stdout));
  });

  it("exits quietly when the reader closes the pipe early (volplan plan | head)", async () => {
    const subprocess = startVolplan(["plan", "--json", "--manifest", manifest]);
    subprocess.stdout?.destroy();
    const result = await subprocess;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
  });
});
