// The built bundle's plumbing: version, help, usage errors, no stack traces for user errors.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { ROOT, volplan } from "./volplan.js";

let dir = "";

beforeAll(async () => {
  dir = await tempDir("volplan-cli-basics-");
});

describe("volplan (bundle)", () => {
  it("prints the version from package.json", async () => {
    const pkg = JSON.parse(await readFile(path.join(ROOT, "package.json"), "utf8")) as {
      version: string;
    };
    const result = await volplan(["--version"]);
    expect(result).toEqual({ exitCode: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });

  it("refuses an unknown command with one line and a usage hint", async () => {
    const result = await volplan(["nope"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe(
      "volplan: unknown command 'nope'\nRun 'volplan --help' for usage.\n",
    );
  });

  it("refuses an unknown flag", async () => {
    const result = await volplan(["plan", "--frobnicate"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe("volplan: unknown option '--frobnicate'");
  });

  it("reports malformed JSON without a stack trace", async () => {
    const file = path.join(dir, "malformed.json");
    await writeFile(file, '{ "version": 1, "volumes": { ');
    for (const args of [
      ["validate", file],
      ["plan", "--manifest", file],
    ]) {
      const result = await volplan(args);
      expect(result.exitCode).toBe(1);
      expect(`${result.stdout}${result.stderr}`).toContain("malformed.json: error");
      expect(`${result.stdout}${result.stderr}`).not.toMatch(/^\s+at /m);
    }
  });

  it("reports a missing manifest file without a stack trace", async () => {
    const result = await volplan(["plan", "--manifest", path.join(dir, "absent.json")]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("absent.json");
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).not.toContain("internal error");
  });

  it("reads the manifest from $VOLPLAN_MANIFEST", async () => {
    const result = await volplan(["plan"], {
      env: { VOLPLAN_MANIFEST: path.join(dir, "from-env.json") },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("from-env.json");
  });
});

describe("volplan plan --out", () => {
  it("explains an unwritable --out path in one line", async () => {
    const manifest = path.join(dir, "empty.json");
    await writeFile(manifest, '{ "version": 1 }\n');
    const out = path.join(dir, "no-such-dir", "plan.json");
    const result = await volplan(["plan", "--manifest", manifest, "--out", out]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^volplan: cannot save the plan to \S+plan\.json \(.*ENOENT/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
