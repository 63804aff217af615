import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readCacheText } from "../../src/artifacts/cache-safety.js";
import { syncReader } from "../../src/observe/sync-reader.js";
import { tempDir } from "./helpers/temp.js";

describe("reading small cache files", () => {
  it("reads a regular file and refuses a symlink to one (ELOOP), with the async writer side and observe's reader", async () => {
    const dir = await tempDir("volplan-cache-read-");
    const real = path.join(dir, "index.json");
    const link = path.join(dir, "link.json");
    await writeFile(real, '{"entries":{}}');
    await symlink(real, link);
    expect(await readCacheText(real)).toBe('{"entries":{}}');
    expect(syncReader.readRegularText(real)).toBe('{"entries":{}}');
    await expect(readCacheText(link)).rejects.toMatchObject({ code: "ELOOP" });
    // observe's reader never follows it either: a symlinked index reads as no index
    expect(syncReader.readRegularText(link)).toBeNull();
  });
});
