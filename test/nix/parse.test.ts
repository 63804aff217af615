import { readdir } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nixAvailable, repoRoot, runNix } from "./nix-tool.js";

async function nixFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(repoRoot, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) return nixFiles(rel);
      return Promise.resolve(e.name.endsWith(".nix") ? [rel] : []);
    }),
  );
  return nested.flat();
}

const files = [
  "flake.nix",
  ...(await nixFiles("nix")),
  ...(await nixFiles("examples")),
  ...(await nixFiles("test/nix")),
];

describe.skipIf(!nixAvailable)("every Nix file parses", () => {
  it("finds the Nix files", () => {
    expect(files).toContain("nix/module.nix");
    expect(files).toContain("nix/manifest.nix");
  });

  it.each(files)("%s", async (file) => {
    const result = await runNix("nix-instantiate", ["--parse", file]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });
});
