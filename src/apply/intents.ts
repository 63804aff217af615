// Writes and removes intent records (host/intents.ts): durable before the step begins, gone once it has finished.
import { constants } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { intentFileName, intentText } from "../host/intents.js";
import type { Intent } from "../host/intents.js";
import { fsyncDirectory } from "./safe-fs.js";
import { assertOwnStateDirectory } from "./state-subdir.js";

const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = constants;

/** Records that `intent` begins; fsynced with its directory, so a crash right after still leaves it. */
export async function recordIntent(
  dir: string,
  intent: Omit<Intent, "pid" | "startedAt">,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  assertOwnStateDirectory(dir, "its intent records");
  const file = path.join(dir, intentFileName(intent.device, intent.ino));
  const record: Intent = { ...intent, pid: process.pid, startedAt: new Date().toISOString() };
  // O_NOFOLLOW: the state directory is root's, but a symlink planted there is never followed.
  const handle = await open(file, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(intentText(record));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fsyncDirectory(dir);
}

/** Removes the record of a finished step (missing is fine: it was already cleared). */
export async function clearIntent(
  dir: string,
  target: { device: string; ino: number },
): Promise<void> {
  assertOwnStateDirectory(dir, "its intent records");
  await rm(path.join(dir, intentFileName(target.device, target.ino)), { force: true });
  await fsyncDirectory(dir).catch(() => undefined);
}
