import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { generateAll } from "../scripts/generate.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const generated = Object.entries(await generateAll()).sort(([a], [b]) => (a < b ? -1 : 1));

describe("generated files", () => {
  it("covers the manifest and plan schemas", () => {
    expect(generated.map(([file]) => file)).toEqual(
      expect.arrayContaining([
        "src/generated/manifest-types.ts",
        "src/generated/validate-manifest.js",
        "src/generated/validate-manifest.d.ts",
        "src/generated/plan-types.ts",
        "src/generated/validate-plan.js",
      ]),
    );
  });

  it.each(generated)("%s is what npm run generate writes", async (file, content) => {
    const committed = await readFile(path.join(root, file), "utf8");
    expect(committed, `${file} is stale: run npm run generate`).toBe(content);
  });

  it.each(generated)("%s carries the generated-file banner", (_file, content) => {
    const head = content.split("\n").slice(0, 3).join("\n");
    expect(head).toMatch(
      /^\/\/ Generated from schema\/[a-z.-]+\.json by scripts\/generate\.mjs .*Do not edit\.$/m,
    );
  });
});

describe("docs/manifest-reference.md", () => {
  it("is current with the schema", async () => {
    const result = await execa(
      process.execPath,
      [path.join(root, "scripts/reference.mjs"), "--check"],
      {
        cwd: root,
        reject: false,
        timeout: 30_000,
      },
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it("starts with the generated-file banner and documents every volume key", async () => {
    const text = await readFile(path.join(root, "docs/manifest-reference.md"), "utf8");
    expect(text.split("\n")[0]).toMatch(
      /^<!-- Generated from schema\/manifest\.schema\.json .*Do not edit\. -->$/,
    );
    for (const key of [
      "path",
      "size",
      "allocation",
      "format",
      "seed",
      "growFilesystem",
      "owner",
      "group",
      "mode",
    ]) {
      expect(text).toContain(`### \`volumes.<id>.${key}\``);
    }
    expect(text).toContain('- Default: "sparse"');
  });
});
