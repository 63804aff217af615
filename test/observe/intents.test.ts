// Intent records are read only where volplan writes them: a regular file of its own user in
// <stateDir>/intents, a real directory; anything else there is not a record.
import { chown, mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { intentFileName, intentText } from "../../src/host/intents.js";
import { stateLayout } from "../../src/host/state-layout.js";
import { observeIntents } from "../../src/observe/intents.js";
import { syncReader } from "../../src/observe/sync-reader.js";
import { haveRoot } from "../helpers/privilege.js";
import { useTempDir } from "../helpers/temp-dir.js";

const record = {
  step: "resize2fs",
  path: "/var/lib/microvms/web/root.img",
  device: "8:1",
  ino: 1234,
  pid: 1,
  startedAt: "2026-01-01T00:00:00.000Z",
} as const;

describe("observeIntents", () => {
  const scratch = useTempDir("volplan-intents-");
  let n = 0;

  async function stateDir(): Promise<string> {
    const dir = path.join(scratch.dir, `state-${++n}`);
    await mkdir(dir);
    return dir;
  }

  it("reads the records volplan wrote", async () => {
    const dir = await stateDir();
    const intents = stateLayout(dir).intents;
    await mkdir(intents, { mode: 0o700 });
    await writeFile(path.join(intents, intentFileName("8:1", 1234)), intentText(record));
    expect([...observeIntents({ stateDir: dir, host: syncReader }).values()]).toEqual([record]);
  });

  it("ignores records below an intents directory that is a symlink", async () => {
    const dir = await stateDir();
    const elsewhere = path.join(scratch.dir, `elsewhere-${n}`);
    await mkdir(elsewhere);
    await writeFile(path.join(elsewhere, intentFileName("8:1", 1234)), intentText(record));
    await symlink(elsewhere, stateLayout(dir).intents);
    expect(observeIntents({ stateDir: dir, host: syncReader }).size).toBe(0);
  });

  it.runIf(haveRoot())("ignores a record owned by another user", async () => {
    const dir = await stateDir();
    const intents = stateLayout(dir).intents;
    await mkdir(intents, { mode: 0o700 });
    const file = path.join(intents, intentFileName("8:1", 1234));
    await writeFile(file, intentText(record));
    await chown(file, 65534, 65534);
    expect(observeIntents({ stateDir: dir, host: syncReader }).size).toBe(0);
  });

  it("ignores a record far larger than any volplan writes", async () => {
    const dir = await stateDir();
    const intents = stateLayout(dir).intents;
    await mkdir(intents, { mode: 0o700 });
    const padded = `${JSON.stringify({ ...record, padding: "x".repeat(1024 * 1024) })}\n`;
    await writeFile(path.join(intents, intentFileName("8:1", 1234)), padded);
    expect(observeIntents({ stateDir: dir, host: syncReader }).size).toBe(0);
  });
});
