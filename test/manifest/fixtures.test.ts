import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadManifestFile } from "../../src/manifest/load.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "../fixtures/manifests");

async function fixtures(kind: "broken" | "valid"): Promise<string[]> {
  const names = await readdir(path.join(root, kind));
  return names
    .filter((name) => name.endsWith(".json") && !name.endsWith(".expected.json"))
    .map((name) => name.slice(0, -".json".length))
    .sort();
}

const broken = await fixtures("broken");
const valid = await fixtures("valid");

describe("broken manifests", () => {
  it("has at least 14 of them", () => {
    expect(broken.length).toBeGreaterThanOrEqual(14);
  });

  it.each(broken)("%s reports exactly the expected pointers", async (name) => {
    const expected = JSON.parse(
      await readFile(path.join(root, "broken", `${name}.expected.json`), "utf8"),
    ) as string[];
    const result = await loadManifestFile(path.join(root, "broken", `${name}.json`));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.pointer)).toEqual(expected);
    expect([...expected].sort()).toEqual(expected);
    for (const issue of result.issues) {
      expect(issue.message.trim()).not.toBe("");
      expect(issue.fix.trim()).not.toBe("");
      expect(issue.severity).toBe("error");
    }
  });
});

describe("valid manifests", () => {
  it("has at least 3 of them", () => {
    expect(valid.length).toBeGreaterThanOrEqual(3);
  });

  it.each(valid)("%s loads without issues into plain data", async (name) => {
    const result = await loadManifestFile(path.join(root, "valid", `${name}.json`));
    if (!result.ok) expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(JSON.parse(JSON.stringify(result.desired))).toEqual(result.desired);
    expect(structuredClone(result.desired)).toEqual(result.desired);
    const ids = result.desired.volumes.map((v) => v.id);
    expect(ids).toEqual([...ids].sort());
  });
});
