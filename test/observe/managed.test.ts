// The record of managed images is read only when volplan wrote it: a regular file of its own
// user, of a size volplan could have written; anything else reads as an empty record.
import { chown, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stateLayout } from "../../src/host/state-layout.js";
import { readManaged } from "../../src/observe/managed.js";
import { syncReader } from "../../src/observe/sync-reader.js";
import { haveRoot } from "../helpers/privilege.js";

const record = `${JSON.stringify({ version: 1, images: { "/images/a.img": { volume: "a" } } })}\n`;

describe("readManaged", () => {
  let work: string;
  let n = 0;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-managed-read-"));
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  async function stateDir(): Promise<string> {
    const dir = path.join(work, `state-${++n}`);
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
    const elsewhere = path.join(work, `elsewhere-${n}.json`);
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
