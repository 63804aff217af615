// Reads the intent records a killed run left in the state directory (see host/intents.ts).
import path from "node:path";
import type { Intent } from "../host/intents.js";
import { parseIntent } from "../host/intents.js";
import { stateLayout } from "../host/state-layout.js";
import type { HostReader } from "./host-reader.js";

/** The intent records under `stateDir`, keyed "device:ino" of the image each names. */
export function observeIntents(input: {
  stateDir: string;
  host: HostReader;
}): ReadonlyMap<string, Intent> {
  const dir = stateLayout(input.stateDir).intents;
  const found = new Map<string, Intent>();
  for (const name of input.host.readdir(dir) ?? []) {
    if (!name.endsWith(".json")) continue;
    const text = input.host.readRegularText(path.join(dir, name));
    const intent = text === null ? null : parseIntent(text);
    if (intent !== null) found.set(`${intent.device}:${intent.ino}`, intent);
  }
  return found;
}
