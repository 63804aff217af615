// Intent records are written only into volplan's own intents directory: never through a symlink
// planted in its place (the record's open would follow it into someone else's directory).
import { mkdir, mkdtemp, readdir, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordIntent } from "../../src/apply/intents.js";
import { stateLayout } from "../../src/host/state-layout.js";

const intent = { step: "resize2fs", path: "/images/a.img", device: "8:1", ino: 1234 } as const;

describe("recordIntent", () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "volplan-record-intent-"));
  });
  afterAll(async () => {
    if (work !== undefined) await rm(work, { recursive: true, force: true });
  });

  it("writes the record into a new intents directory", async () => {
    const intents = stateLayout(path.join(work, "state-a")).intents;
    await mkdir(path.dirname(intents));
    await recordIntent(intents, intent);
    expect(await readdir(intents)).toEqual(["resize2fs-8_1-1234.json"]);
  });

  it("refuses an intents directory that is a symlink, writing nothing where it points", async () => {
    const intents = stateLayout(path.join(work, "state-b")).intents;
    const elsewhere = path.join(work, "elsewhere");
    await mkdir(elsewhere);
    await mkdir(path.dirname(intents));
    await symlink(elsewhere, intents);
    await expect(recordIntent(intents, intent)).rejects.toMatchObject({
      code: "STATE_DIR_UNSAFE",
    });
    expect(await readdir(elsewhere)).toEqual([]);
  });
});
