import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Script } from "node:vm";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  cachePathOf,
  chunkCacheUse,
  loadChunk,
  wrapChunk,
} from "../../../src/cli/launch/chunk-loader.js";
import { CLI } from "../volplan.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-chunks-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Writes a chunk and returns its path.
async function chunk(name: string, source: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, source);
  return file;
}

// What scripts/code-cache.mjs writes for a chunk.
async function cacheFor(file: string): Promise<void> {
  const source = await readFile(file);
  const script = new Script(wrapChunk(source.toString("utf8")));
  await writeFile(cachePathOf(file, source), script.createCachedData());
}

describe("loadChunk", () => {
  it("runs a chunk once, loading its sibling chunks through itself and built-ins through Node", async () => {
    await chunk("shared.cjs", "exports.runs = (exports.runs ?? 0) + 1; exports.n = 41;");
    await chunk("b.cjs", 'exports.shared = require("./shared.cjs");');
    const a = await chunk(
      "a.cjs",
      'const shared = require("./shared.cjs"); const b = require("./b.cjs");' +
        'module.exports = { value: shared.n + 1, sep: require("node:path").sep, same: b.shared === shared, file: __filename };',
    );
    const exports = loadChunk(a);
    expect(exports).toEqual({ value: 42, sep: "/", same: true, file: a });
    expect(loadChunk(a)).toBe(exports);
    expect(loadChunk(path.join(dir, "shared.cjs"))).toMatchObject({ runs: 1 });
  });

  it("uses the code cache written for the chunk's text", async () => {
    const file = await chunk("cached.cjs", "exports.answer = () => 6 * 7;");
    await cacheFor(file);
    expect((loadChunk(file) as { answer: () => number }).answer()).toBe(42);
    expect(chunkCacheUse().get(file)).toBe(true);
  });

  it("compiles the text when the cache is unusable", async () => {
    const file = await chunk("garbage.cjs", "exports.answer = 42;");
    await writeFile(cachePathOf(file, await readFile(file)), Buffer.alloc(4096, 7));
    expect(loadChunk(file)).toEqual({ answer: 42 });
    expect(chunkCacheUse().get(file)).toBe(false);
  });

  it("never runs the cache of a chunk's earlier text, even of the same length", async () => {
    const file = await chunk("edited.cjs", "exports.answer = 41;");
    await cacheFor(file);
    // Patched in place after the build: V8 alone would take the old cache (it checks lengths).
    await writeFile(file, "exports.answer = 42;");
    expect(loadChunk(file)).toEqual({ answer: 42 });
    expect(chunkCacheUse().get(file)).toBe(false);
  });
});

describe("the built launcher", () => {
  it("loads every chunk of a plan with the code cache the build made", async () => {
    const buildError = inject("volplanBuildError");
    if (buildError !== "") throw new Error(buildError);
    // The launcher only exports the loader when required; this program then runs the CLI
    // chunk through it, as the launcher does when run, and reports what each chunk used.
    const program = `
      const launcher = require(${JSON.stringify(CLI)});
      const { readdirSync } = require("node:fs");
      const chunks = require("node:path").join(${JSON.stringify(path.dirname(CLI))}, "chunks");
      const cli = readdirSync(chunks).find((name) => /^cli-.*\\.cjs$/.test(name));
      process.argv = [process.argv[0], "volplan", "validate", ${JSON.stringify(path.resolve("examples/basic/manifest.json"))}];
      launcher.loadChunk(require("node:path").join(chunks, cli));
      process.on("exit", () => process.stderr.write(JSON.stringify([...launcher.chunkCacheUse()])));
    `;
    const result = await execa(process.execPath, ["-e", program], { reject: false });
    expect(result.exitCode).toBe(0);
    const used = JSON.parse(result.stderr) as [string, boolean][];
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter(([, cached]) => !cached)).toEqual([]);
  });
});
