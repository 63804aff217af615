// The record of managed images is replaced atomically through a temp file; one a killed run left
// (same pid after a reboot: boot-time units get the same pids) must not stop the next write.
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeManaged } from "../../src/apply/managed-record.js";
import { stateLayout } from "../../src/host/state-layout.js";

describe("writeManaged", () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), "volplan-managed-"));
  });
  afterAll(async () => {
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  });

  it("replaces a temp file a killed run of the same pid left", async () => {
    const file = stateLayout(stateDir).managed;
    await writeFile(`${file}.${process.pid}.tmp`, "half written");
    const next = { "/images/a.img": { volume: "a" } };
    await writeManaged({ stateDir, previous: {}, next });
    expect(JSON.parse(await readFile(file, "utf8"))).toEqual({ version: 1, images: next });
    expect(await readdir(stateDir)).toEqual(["managed.json"]);
  });
});
