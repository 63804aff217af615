// The record of managed images is read only when volplan wrote it: a regular file of its own
// user, of a size volplan could have written; anything else reads as an empty record.
import { chown, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { stateLayout } from "../../src/host/state-layout.js";
import { readManaged } from "../../src/observe/managed.js";
import { syncReader } from "../../src/observe/sync-reader.js";
import { haveRoot } from "../helpers/privilege.js";
import { useTempDir } from "../helpers/temp-dir.js";

const record = `${JSON.stringify({ version: 1, images: { "/images/a.img": { volume: "a" } } })}\n`;

describe("readManaged", () => {
  const scratch = useTempDir("volplan-managed-read-");
  let n = 0;

  async function stateDir(): Promise<string> {
    const dir = path.join(scratch.dir, `state-${++n}`);
    await mkdir(dir);
    return dir;
  }

  it("reads the record volplan wrote", async () => {
    const dir = await stateDir();
    await writeFile(stateLayout(dir).managed, record);
    expect(readManaged(dir, syncReader)).toEqual({ "/images/a.img": { volume: "a" } });
  });

  it("reads a symlink in its place as no record", async () => {
    const dir = await stateDir();
    const elsewhere = path.join(scratch.dir, `elsewhere-${n}.json`);
    await writeFile(elsewhere, record);
    await symlink(elsewhere, stateLayout(dir).managed);
    expect(readManaged(dir, syncReader)).toEqual({});
  });

  it.runIf(haveRoot())("reads a record of another user as no record", async () => {
    const dir = await stateDir();
    await writeFile(stateLayout(dir).managed, record);
    await chown(stateLayout(dir).managed, 65534, 65534);
    expect(readManaged(dir, syncReader)).toEqual({});
  });
});
