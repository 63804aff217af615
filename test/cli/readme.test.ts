// The README's first two commands are ones a root shell on Debian can paste (no sudo, no
// placeholder), and the demo they run says what it does with its directory.
import { execa } from "execa";
import { existsSync } from "node:fs";
import { access, constants, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./volplan.js";

// The Nix package's check phase runs the tests on its source files only, without the README:
// there (never under CI=true) these tests of the repository's documents do not run.
const inRepository = existsSync(path.join(ROOT, "README.md")) || process.env["CI"] === "true";
const readme = inRepository ? await readFile(path.join(ROOT, "README.md"), "utf8") : "";
const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
const commands = firstBlock
  .split("\n")
  .map((line) => line.replace(/\s+#.*$/, "").trim())
  .filter((line) => line !== "");

// The directory the example says it used, from its `--keep` output.
function keptDirectory(stdout: string): string {
  return /^# kept (\S+);/m.exec(stdout)?.[1] ?? "";
}

async function runExample(args: string[]) {
  return execa(process.execPath, [path.join(ROOT, "scripts/example.mjs"), ...args], {
    cwd: ROOT,
    reject: false,
    timeout: 120_000,
    env: { NO_COLOR: "1" },
  });
}

describe.runIf(inRepository)("README", () => {
  it("opens with the demo and the test suite, as root needs them: no sudo", () => {
    expect(commands).toEqual([
      "npm ci && npm run example",
      ".ci/install-deps && npm ci && npm test",
    ]);
  });

  it("names scripts that exist", async () => {
    await access(path.join(ROOT, ".ci/install-deps"), constants.X_OK);
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    expect(Object.keys(pkg.scripts)).toEqual(expect.arrayContaining(["example", "test", "build"]));
  });

  it("has no placeholder where a flake URL belongs, and says how to run the CLI", async () => {
    const nixDoc = await readFile(path.join(ROOT, "docs/nix.md"), "utf8");
    for (const text of [readme, nixDoc]) expect(text).not.toMatch(/OWNER|github:[A-Z]/);
    expect(readme).toContain("npx volplan");
    expect(readme).toContain("npm run example -- --keep");
  });
});

// scripts/example.mjs runs the bundle the CLI tests build (npm run example builds it first).
describe.runIf(inRepository)("npm run example", () => {
  it("removes its directory and says so; --keep keeps it and says where", async () => {
    const plain = await runExample([]);
    expect(plain.stderr).toBe("");
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain("a temporary one, removed at the end");
    expect(plain.stdout).toContain(
      "# done: created, verified unchanged, grown, verified unchanged",
    );
    const directory = /\$ volplan validate (\S+)\/manifest\.json/.exec(plain.stdout)?.[1] ?? "";
    expect(directory).not.toBe("");
    await expect(access(directory)).rejects.toThrow();

    const kept = await runExample(["--keep"]);
    expect(kept.exitCode).toBe(0);
    const dir = keptDirectory(kept.stdout);
    expect(kept.stdout).toContain(`# example directory: ${dir} (kept at the end)`);
    await access(path.join(dir, "manifest.json"));
    await execa("rm", ["-rf", "--one-file-system", dir]);
  });
});
