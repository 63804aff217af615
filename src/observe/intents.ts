// Reads the intent records a killed run left in the state directory (see host/intents.ts).
import path from "node:path";
import type { Intent } from "../host/intents.js";
import { parseIntent } from "../host/intents.js";
import { stateLayout } from "../host/state-layout.js";
import type { HostReader } from "./host-reader.js";
import { effectiveUid } from "../host/processes.js";

// Far larger than any record volplan writes (a path, a device, an inode, a pid and a time).
const MAX_RECORD_BYTES = 16 * 1024;

/**
 * The intent records under `stateDir`, keyed "device:ino" of the image each names. Only what
 * volplan wrote counts: small regular files of the running user in a real directory (a symlink
 * there, or a file of someone else, is not a record and never makes apply repair an image).
 */
export function observeIntents(input: {
  stateDir: string;
  host: HostReader;
}): ReadonlyMap<string, Intent> {
  const dir = stateLayout(input.stateDir).intents;
  const found = new Map<string, Intent>();
  if (input.host.lstat(dir)?.isDirectory() !== true) return found;
  const uid = effectiveUid();
  for (const name of input.host.readdir(dir) ?? []) {
    if (!name.endsWith(".json")) continue;
    const file = path.join(dir, name);
    const text = input.host.readRegularText(file, { owner: uid, maxBytes: MAX_RECORD_BYTES });
    const intent = text === null ? null : parseIntent(text);
    if (intent !== null) found.set(`${intent.device}:${intent.ino}`, intent);
  }
  return found;
}
