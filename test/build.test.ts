// scripts/build.mjs: two builds of the same source are byte-identical, and what it writes is the
// package's executable.
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./cli/volplan.js";
import { useTempDir } from "./helpers/temp-dir.js";

const scratch = useTempDir();
let first = "";
let second = "";

beforeAll(async () => {
  first = await buildInto("a");
  second = await buildInto("b");
});

async function buildInto(name: string): Promise<string> {
  const outdir = path.join(scratch.dir, name, "dist");
  await execa(process.execPath, ["scripts/build.mjs", outdir], { cwd: ROOT, timeout: 120_000 });
  return outdir;
}

// Every file of a directory (names in order) with its bytes and permission bits.
async function contentsOf(dir: string): Promise<{ name: string; mode: number; bytes: Buffer }[]> {
  const names = (await readdir(dir)).sort();
  return Promise.all(
    names.map(async (name) => ({
      name,
      mode: (await stat(path.join(dir, name))).mode & 0o7777,
      bytes: await readFile(path.join(dir, name)),
    })),
  );
}

describe("the build", () => {
  it("writes the same bytes twice, with no path of the machine that built it", async () => {
    const [a, b] = [await contentsOf(first), await contentsOf(second)];
    expect(a.map(({ name, mode }) => [name, mode])).toEqual([
      ["main.cjs", 0o644],
      ["volplan.cjs", 0o755],
    ]);
    expect(b.map(({ name }) => name)).toEqual(a.map(({ name }) => name));
    for (const [i, file] of a.entries()) {
      expect(file.bytes.equals(b[i]!.bytes), `${file.name} differs between two builds`).toBe(true);
      const text = file.bytes.toString("utf8");
      for (const local of [ROOT, scratch.dir, os.tmpdir()])
        expect(text, `${file.name} names ${local}`).not.toContain(`${local}/`);
    }
  });

  it("makes the executable package.json names, and ships exactly what it writes", async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
      bin: Record<string, string>;
      files: string[];
    };
    expect(pkg.bin).toEqual({ volplan: "dist/volplan.cjs" });
    const built = (await readdir(first)).map((name) => `dist/${name}`).sort();
    expect(pkg.files.filter((file) => file.startsWith("dist/")).sort()).toEqual(built);
    const executable = await readFile(path.join(first, "volplan.cjs"), "utf8");
    expect(executable.split("\n")[0]).toBe("#!/usr/bin/env node");
  });

  // The Nix build sandbox has no /usr/bin/env (the package's wrapper runs node itself).
  it.runIf(existsSync("/usr/bin/env"))("runs by name, as npx and a shell start it", async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await execa(path.join(first, "volplan.cjs"), ["--version"], {
      env: { PATH: `${path.dirname(process.execPath)}:${process.env["PATH"] ?? ""}` },
      extendEnv: false,
      timeout: 60_000,
    });
    expect(result.stdout).toBe(pkg.version);
  });
});
