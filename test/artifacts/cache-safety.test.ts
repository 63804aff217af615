import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCacheText, readCacheTextSync } from "../../src/artifacts/cache-safety.js";
import { tempDir } from "./helpers/temp.js";

describe("reading small cache files", () => {
  it("reads a regular file and refuses a symlink to one (ELOOP), both ways", async () => {
    const dir = await tempDir("volplan-cache-read-");
    const real = path.join(dir, "index.json");
    const link = path.join(dir, "link.json");
    await writeFile(real, '{"entries":{}}');
    await symlink(real, link);
    expect(await readCacheText(real)).toBe('{"entries":{}}');
    expect(readCacheTextSync(real)).toBe('{"entries":{}}');
    await expect(readCacheText(link)).rejects.toMatchObject({ code: "ELOOP" });
    expect(() => readCacheTextSync(link)).toThrow(expect.objectContaining({ code: "ELOOP" }));
  });
});
