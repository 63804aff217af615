import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseManifestText } from "../../src/manifest/load.js";
import { evalJson, nixAvailable, repoRoot } from "./nix-tool.js";

// Each example's default.nix, the arguments it is evaluated with, and the committed JSON it must equal.
const cases = [
  { name: "basic", expr: "import ./examples/basic { }", file: "examples/basic/manifest.json" },
  {
    name: "microvm-host",
    expr: "import ./examples/microvm-host { }",
    file: "examples/microvm-host/manifest.json",
  },
  {
    name: "kexec-cache",
    expr: "import ./examples/kexec-cache { }",
    file: "examples/kexec-cache/manifest.json",
  },
  {
    name: "ci-diff head",
    expr: "import ./examples/ci-diff { }",
    file: "examples/ci-diff/manifest.json",
  },
  {
    name: "ci-diff base",
    expr: 'import ./examples/ci-diff { revision = "base"; }',
    file: "examples/ci-diff/base.json",
  },
];

describe.skipIf(!nixAvailable)("examples", () => {
  it.each(cases)("$name evaluates to $file, which is a valid manifest", async ({ expr, file }) => {
    const text = await readFile(path.join(repoRoot, file), "utf8");
    expect(await evalJson({ expr })).toEqual(JSON.parse(text));
    const loaded = parseManifestText(text, file);
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
  });

  it("basic takes the directory of its images as an argument", async () => {
    const manifest = (await evalJson({
      expr: 'import ./examples/basic { baseDir = "/srv/try/"; }',
    })) as { volumes: Record<string, { path: string }> };
    const paths = Object.values(manifest.volumes).map((v) => v.path);
    expect(paths).toContain("/srv/try/root.img");
    expect(paths.every((p) => p.startsWith("/srv/try/"))).toBe(true);
  });
});
