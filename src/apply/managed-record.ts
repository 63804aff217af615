// Keeps the record of the images volplan manages (<stateDir>/managed.json) after each apply.
import { constants } from "node:fs";
import { lstat, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { stateLayout } from "../host/state-layout.js";
import type { DesiredState } from "../manifest/desired.js";
import type { ManagedImages } from "../observe/managed.js";
import { fsyncDirectory } from "./safe-fs.js";

async function isRegularFile(file: string): Promise<boolean> {
  return lstat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
}

/**
 * The record after an apply of `desired` (the whole manifest or an --only part of it): every
 * declared image that exists, plus every earlier entry whose image is still there (an image
 * dropped from the manifest stays listed, so plans keep reporting it until it is removed).
 */
export async function nextManaged(
  desired: DesiredState,
  previous: ManagedImages,
): Promise<Record<string, { volume: string }>> {
  const next: Record<string, { volume: string }> = {};
  for (const [file, entry] of Object.entries(previous))
    if (await isRegularFile(file)) next[file] = entry;
  for (const volume of desired.volumes) {
    if (volume.kind !== "image") continue;
    if (await isRegularFile(volume.path)) next[volume.path] = { volume: volume.id };
  }
  return Object.fromEntries(Object.entries(next).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Writes the record atomically when it changed (a run with nothing to do writes nothing). */
export async function writeManaged(input: {
  stateDir: string;
  previous: ManagedImages;
  next: ManagedImages;
}): Promise<void> {
  const sorted = (record: ManagedImages): string =>
    JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
  if (sorted(input.previous) === sorted(input.next)) return;
  const file = stateLayout(input.stateDir).managed;
  const temp = `${file}.${process.pid}.tmp`;
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  // A killed run of the same pid (boot-time units get the same pids again) may have left it.
  await unlink(temp).catch(() => undefined);
  const handle = await open(temp, flags, 0o644);
  try {
    await handle.writeFile(`${JSON.stringify({ version: 1, images: input.next }, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await fsyncDirectory(path.dirname(file));
}
