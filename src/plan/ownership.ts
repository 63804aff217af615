// Resolving declared owners and groups to numbers, and comparing them with what is on disk.
import type { DesiredVolume } from "../manifest/desired.js";
import type { Snapshot } from "./snapshot.js";
import type { Ownership } from "./types.js";

/** Permission bits as four octal digits, as the plan schema spells them ("0660"). */
export function modeText(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

/** The declared ownership in numbers, or which name could not be resolved. */
export type ResolvedOwnership =
  | { readonly ok: true; readonly ownership: Ownership }
  | { readonly ok: false; readonly what: "user" | "group"; readonly name: string };

/** Resolves owner and group names through the snapshot's passwd and group tables. */
export function resolveOwnership(volume: DesiredVolume, snapshot: Snapshot): ResolvedOwnership {
  const uid = typeof volume.owner === "number" ? volume.owner : snapshot.users[volume.owner];
  if (uid === undefined) return { ok: false, what: "user", name: String(volume.owner) };
  const gid = typeof volume.group === "number" ? volume.group : snapshot.groups[volume.group];
  if (gid === undefined) return { ok: false, what: "group", name: String(volume.group) };
  return { ok: true, ownership: { uid, gid, mode: modeText(volume.mode) } };
}

/** Whether two ownerships are the same. */
export function sameOwnership(a: Ownership, b: Ownership): boolean {
  return a.uid === b.uid && a.gid === b.gid && a.mode === b.mode;
}

/** Ownership for messages: "uid 0, gid 0, mode 0600". */
export function ownershipText(o: Ownership): string {
  return `uid ${o.uid}, gid ${o.gid}, mode ${o.mode}`;
}
