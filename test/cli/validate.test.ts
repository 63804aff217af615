// `volplan validate` on the shared manifest fixtures: broken ones name every expected pointer, valid ones pass.
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { ROOT, volplan } from "./volplan.js";

const fixtures = path.join(ROOT, "test", "fixtures", "manifests");

async function jsonFiles(dir: string): Promise<string[]> {
  const names = await readdir(path.join(fixtures, dir)).catch(() => [] as string[]);
  return names
    .filter((n) => n.endsWith(".json") && !n.endsWith(".expected.json"))
    .sort()
    .map((n) => path.join(fixtures, dir, n));
}

const broken = await jsonFiles("broken");
const valid = await jsonFiles("valid");

interface JsonReport {
  valid: boolean;
  files: { file: string; valid: boolean; issues: { severity: string; pointer: string }[] }[];
}

describe("volplan validate", () => {
  it("has fixtures to check", () => {
    expect(broken.length).toBeGreaterThan(0);
    expect(valid.length).toBeGreaterThan(0);
  });

  it.each(broken)("rejects %s with one line per expected pointer", async (file) => {
    const expected = JSON.parse(
      await readFile(file.replace(/\.json$/, ".expected.json"), "utf8"),
    ) as string[];
    const text = await volplan(["validate", file]);
    expect(text.exitCode).toBe(1);
    const errorLines = text.stdout.split("\n").filter((l) => l.startsWith(`${file}: error`));
    for (const pointer of expected) {
      const prefix = pointer === "" ? `${file}: error: ` : `${file}: error ${pointer}: `;
      expect(
        errorLines.filter((l) => l.startsWith(prefix)),
        pointer,
      ).toHaveLength(1);
    }
    expect(errorLines).toHaveLength(expected.length);
    expect(text.stdout).toMatch(/\d+ errors?, \d+ warnings? in 1 file\.\n$/);
    const json = await volplan(["validate", "--json", file]);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as JsonReport;
    const pointers = report.files[0]!.issues.filter((i) => i.severity === "error").map(
      (i) => i.pointer,
    );
    expect(pointers.sort()).toEqual([...expected].sort());
  });

  it.each(valid)("accepts %s", async (file) => {
    const result = await volplan(["validate", file]);
    expect(result.stdout).not.toContain(": error");
    expect(result.exitCode).toBe(0);
  });

  it("accepts every committed example manifest (the ones CI evaluates from Nix)", async () => {
    const examples = [
      "examples/basic/manifest.json",
      "examples/microvm-host/manifest.json",
      "examples/kexec-cache/manifest.json",
      "examples/ci-diff/manifest.json",
      "examples/ci-diff/base.json",
    ].map((file) => path.join(ROOT, file));
    const result = await volplan(["validate", ...examples]);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("5 files valid");
  });

  it("checks several files at once and fails when any is broken", async () => {
    const files = [valid[0]!, broken[0]!];
    const result = await volplan(["validate", ...files]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/in 2 files\.\n$/);
  });

  it("prints warnings, marked, and still exits 0", async () => {
    const file = path.join(await tempDir("volplan-cli-validate-"), "warn.json");
    const volume = { path: "/srv/vm/a.img", size: "1GiB", mode: "0666" };
    await writeFile(file, JSON.stringify({ version: 1, volumes: { a: volume } }));
    const result = await volplan(["validate", file]);
    expect(result.exitCode).toBe(0);
    const line = result.stdout.split("\n").find((l) => l.startsWith(`${file}: warning `));
    expect(line).toMatch(/: warning \/volumes\/a\/mode: .+ \(fix: .+\)$/);
    expect(result.stdout).toMatch(/^1 file valid, 1 warning\.$/m);
  });
});
