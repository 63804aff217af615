// Error codes have one case: every code a VolplanError (or a SourceError) is built with in src/
// is UPPER_SNAKE_CASE, as schema/apply.schema.json promises for a report's error.code.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../src");

async function sources(): Promise<{ file: string; text: string }[]> {
  const entries = await readdir(src, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.parentPath.includes("generated"))
    .map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.map(async (file) => ({ file, text: await readFile(file, "utf8") })));
}

// The literal codes: new VolplanError("CODE", ...) and new SourceError({ code: "CODE", ... }).
function codesIn(text: string): string[] {
  const direct = [...text.matchAll(/new VolplanError\(\s*"([^"]*)"/g)].map((m) => m[1]!);
  const source = [...text.matchAll(/new SourceError\(\{\s*code: "([^"]*)"/g)].map((m) => m[1]!);
  return [...direct, ...source];
}

describe("error codes", () => {
  it("are UPPER_SNAKE_CASE wherever src builds one", async () => {
    const found = (await sources()).flatMap(({ file, text }) =>
      codesIn(text).map((code) => `${path.relative(src, file)}: ${code}`),
    );
    // The scan finds the codes it is meant to find (a regex that matched nothing would pass).
    expect(found.length).toBeGreaterThan(40);
    expect(found.filter((entry) => !/: [A-Z][A-Z0-9_]*$/.test(entry))).toEqual([]);
  });

  it("recognises a kebab-case code as one to reject", () => {
    expect(codesIn('throw new VolplanError("artifact-download-failed", "x")')).toEqual([
      "artifact-download-failed",
    ]);
    expect(codesIn('new SourceError({ code: "download-status", message })')).toEqual([
      "download-status",
    ]);
  });
});
