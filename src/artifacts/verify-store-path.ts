// Checks a store-path artifact: a regular file whose hash (if pinned) matches; indexed so it is hashed once.
import type { DesiredArtifact } from "../manifest/desired.js";
import { sriFromHex } from "../manifest/hash.js";
import { VolplanError } from "../errors.js";
import type { CacheLayout } from "../host/state-layout.js";
import { entryFor, indexMatches, readIndex, updateIndex } from "./cache-index.js";
import { lstatOrNull } from "./cache-safety.js";
import { hashFile } from "../host/hash-file.js";
import type { FetchOutcome } from "./fetch-one.js";

/** Verifies a store path in place (it is never copied). */
export async function verifyStorePath(input: {
  readonly layout: CacheLayout;
  readonly artifact: DesiredArtifact;
  readonly path: string;
  readonly verify: boolean;
}): Promise<FetchOutcome> {
  const { artifact, path } = input;
  const stats = await lstatOrNull(path);
  if (stats === null || !stats.isFile()) {
    const found = stats === null ? "does not exist" : "is not a regular file";
    throw new VolplanError(
      "STORE_PATH_MISSING",
      `artifact ${artifact.name}: ${path} ${found}; build or substitute it first (nix build / nix-store --realise), or point path at the artifact file`,
    );
  }
  const base = { artifact: artifact.name, path, url: null, resumedFrom: 0, bytes: stats.size };
  if (artifact.hash === null) return { ...base, hash: "", status: "cached" };
  const entry = (await readIndex(input.layout))[path];
  if (!input.verify && indexMatches(entry, stats) && entry.hash === artifact.hash.hex) {
    return { ...base, hash: artifact.hash.sri, status: "cached" };
  }
  const { hex } = await hashFile(path);
  if (hex !== artifact.hash.hex) {
    throw new VolplanError(
      "ARTIFACT_HASH_MISMATCH",
      `artifact ${artifact.name}: ${path} has hash ${sriFromHex(hex)}, but the manifest pins ${artifact.hash.sri}. ` +
        "Build the store path that matches the hash, or update the pinned hash if this path is the one you meant.",
    );
  }
  const root = await lstatOrNull(input.layout.root);
  if (root?.isDirectory() === true) {
    await updateIndex(input.layout, (index) => {
      index[path] = entryFor(stats, hex);
    });
  }
  return { ...base, hash: artifact.hash.sri, status: "verified" };
}
