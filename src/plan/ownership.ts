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
  const names = namesOf({ uid, gid }, snapshot);
  return { ok: true, ownership: { uid, gid, mode: modeText(volume.mode), ...names } };
}

/** The names the snapshot knows for a uid and gid (from the accounts the manifest names). */
export function namesOf(
  ids: { readonly uid: number; readonly gid: number },
  snapshot: Pick<Snapshot, "users" | "groups">,
): { user?: string; group?: string } {
  const user = nameOf(ids.uid, snapshot.users);
  const group = nameOf(ids.gid, snapshot.groups);
  return { ...(user === undefined ? {} : { user }), ...(group === undefined ? {} : { group }) };
}

function nameOf(id: number, table: Readonly<Record<string, number>>): string | undefined {
  for (const name in table) if (table[name] === id) return name;
  return undefined;
}

/** Whether two ownerships are the same (in numbers; names are for people). */
export function sameOwnership(a: Ownership, b: Ownership): boolean {
  return a.uid === b.uid && a.gid === b.gid && a.mode === b.mode;
}

/** Ownership for messages: "owner microvm, group kvm, mode 0660", numbers where no name is known ("uid 0"). */
export function ownershipText(o: Ownership): string {
  const user = o.user === undefined ? `uid ${o.uid}` : `owner ${o.user}`;
  const group = o.group === undefined ? `gid ${o.gid}` : `group ${o.group}`;
  return `${user}, ${group}, mode ${o.mode}`;
}
