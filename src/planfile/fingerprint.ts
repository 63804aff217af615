// A hash of the observed facts a saved plan depends on, so apply can refuse a stale plan.
import { createHash } from "node:crypto";
import type { ObservedEntry, Snapshot } from "../plan/snapshot.js";

/**
 * sha256 (hex) of a canonical JSON of what the plan was computed from: every volume's entry
 * (type, size, identity, ownership, mode, filesystem found inside, whether it is held), path
 * problems, temp files, seeds, artifact states, accounts and which host filesystems are
 * involved. Left out on purpose: free space, allocated bytes, mtimes and holder pids — they
 * change all the time while VMs run without making the plan wrong, and apply re-checks free
 * space before every space-consuming step anyway.
 */
export function fingerprintSnapshot(snapshot: Snapshot): string {
  const facts = {
    volumes: mapValues(snapshot.volumes, (v) => ({
      path: v.path,
      filesystem: v.filesystem,
      pathProblem: v.pathProblem,
      entry: entryFacts(v.entry),
    })),
    filesystems: mapValues(snapshot.filesystems, (f) => ({
      mountPoint: f.mountPoint,
      type: f.type,
    })),
    tempFiles: snapshot.tempFiles.map((t) => ({
      path: t.path,
      volume: t.volume,
      size: t.size,
      live: t.live,
    })),
    seeds: mapValues(snapshot.seeds, (s) => ({
      exists: s.exists,
      size: s.size,
      filesystem: s.filesystem,
    })),
    artifacts: mapValues(snapshot.artifacts, (a) => ({
      path: a.path,
      state: a.state,
      actualHash: a.actualHash,
    })),
    users: snapshot.users,
    groups: snapshot.groups,
  };
  return createHash("sha256").update(canonicalJson(facts)).digest("hex");
}

function entryFacts(entry: ObservedEntry): unknown {
  switch (entry.type) {
    case "file": {
      const { size, ino, uid, gid, mode, filesystem, holders } = entry;
      return { type: entry.type, size, ino, uid, gid, mode, filesystem, inUse: holders.length > 0 };
    }
    case "block-device": {
      const { size, filesystem, holders } = entry;
      return { type: entry.type, size, filesystem, inUse: holders.length > 0 };
    }
    case "missing":
    case "symlink":
    case "directory":
    case "other":
      return entry;
  }
}

function mapValues<T, R>(
  record: Readonly<Record<string, T>>,
  fn: (value: T) => R,
): Record<string, R> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

/** JSON with object keys sorted at every level, so equal data always hashes equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
