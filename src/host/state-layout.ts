// Names of everything volplan keeps in its state directory: the lock, grow mount points, intent
// records, and the artifact cache (content-addressed entries, partials, index).
import path from "node:path";

/** Files kept directly in the state directory. */
export interface StateLayout {
  readonly stateDir: string;
  /** The host lock (flock) and who holds it. */
  readonly lock: string;
  /** Private mount points of xfs and btrfs growth, one `<pid>-<random>` directory per mount. */
  readonly growMounts: string;
  /** The images volplan manages (declared and present after an apply), so dropped ones are reported. */
  readonly managed: string;
  /** Intent records of steps a kill could leave half done (see intents.ts). */
  readonly intents: string;
}

/** The state layout under one state directory. */
export function stateLayout(stateDir: string): StateLayout {
  return {
    stateDir,
    lock: path.join(stateDir, "lock"),
    growMounts: path.join(stateDir, "grow"),
    managed: path.join(stateDir, "managed.json"),
    intents: path.join(stateDir, "intents"),
  };
}

/** Every path the artifact cache uses, derived from the state directory. */
export interface CacheLayout {
  readonly stateDir: string;
  readonly root: string;
  readonly entries: string;
  readonly partials: string;
  readonly index: string;
}

/** The cache layout under one state directory. */
export function cacheLayout(stateDir: string): CacheLayout {
  const root = path.join(stateDir, "cache");
  return {
    stateDir,
    root,
    entries: path.join(root, "sha256"),
    partials: path.join(root, "partial"),
    index: path.join(root, "index.json"),
  };
}

/** Directory holding the entry of one hash: cache/sha256/<hex>. */
export function entryDir(layout: CacheLayout, hex: string): string {
  return path.join(layout.entries, hex);
}

/** Final cached path of an artifact: cache/sha256/<hex>/<fileName>. */
export function entryPath(layout: CacheLayout, hex: string, fileName: string): string {
  return path.join(layout.entries, hex, fileName);
}

/** Partial download of one hash: cache/partial/<hex>.part. */
export function partialPath(layout: CacheLayout, hex: string): string {
  return path.join(layout.partials, `${hex}.part`);
}

/** Resume metadata beside a partial: cache/partial/<hex>.part.json. */
export function partialMetaPath(layout: CacheLayout, hex: string): string {
  return path.join(layout.partials, `${hex}.part.json`);
}

/** True for the 64 lower-case hex digits volplan names entries by. */
export function isHexName(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}
