// The images volplan manages (its record in the state directory) that the manifest no longer declares.
import type { DesiredState } from "../manifest/desired.js";
import { stateLayout } from "../host/state-layout.js";
import type { ObservedOrphan } from "../plan/snapshot.js";
import type { HostReader } from "./host-reader.js";
import { effectiveUid } from "../host/processes.js";

/** The record: image path → the volume id it had. */
export type ManagedImages = Readonly<Record<string, { readonly volume: string }>>;

// Far more than the record of any host's images (about 100 bytes an image).
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/**
 * Reads the record (through a descriptor, never a symlink); a missing or malformed one is empty,
 * and so is one volplan did not write (another user's file, or one of a size it never writes).
 */
export function readManaged(stateDir: string, host: HostReader): ManagedImages {
  const file = stateLayout(stateDir).managed;
  const uid = effectiveUid();
  try {
    const text = host.readRegularText(file, { owner: uid, maxBytes: MAX_RECORD_BYTES });
    const images = (JSON.parse(text ?? "{}") as { images?: unknown }).images;
    if (typeof images !== "object" || images === null) return {};
    const record: Record<string, { volume: string }> = {};
    for (const [path, value] of Object.entries(images)) {
      const volume = (value as { volume?: unknown } | null)?.volume;
      if (path.startsWith("/") && typeof volume === "string") record[path] = { volume };
    }
    return record;
  } catch {
    return {};
  }
}

/**
 * Recorded images that are still regular files but that no declared volume names any more:
 * volplan never deletes them, but says they are there and what they cost.
 */
export function observeOrphans(input: {
  desired: DesiredState;
  managed: ManagedImages;
  host: HostReader;
}): ObservedOrphan[] {
  const declared = new Set(input.desired.volumes.map((v) => v.path));
  const orphans: ObservedOrphan[] = [];
  for (const [path, { volume }] of Object.entries(input.managed)) {
    if (declared.has(path)) continue;
    const stats = input.host.lstat(path);
    if (stats === null || !stats.isFile()) continue;
    orphans.push({ path, volume, size: stats.size, allocated: stats.blocks * 512 });
  }
  return orphans.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
