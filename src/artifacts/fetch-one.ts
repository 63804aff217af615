// Fetches one URL artifact into the cache: reuse a verified entry, else download (mirrors, retries, resume), verify, install.
import { constants } from "node:fs";
import { open, unlink } from "node:fs/promises";
import type { DesiredArtifact, Sha256 } from "../manifest/desired.js";
import { VolplanError } from "../errors.js";
import {
  entryDir,
  entryPath,
  partialMetaPath,
  partialPath,
  type CacheLayout,
} from "../host/state-layout.js";
import { assertSafeCachePath } from "./cache-safety.js";
import { downloadFromMirrors } from "./download-mirrors.js";
import type { FetchTuning } from "./fetch-tuning.js";
import { installPartial } from "./install.js";
import { mismatchError } from "./mismatch-error.js";
import { readPartialMeta } from "./partial-meta.js";
import { PartialWriter } from "./partial-writer.js";
import { linkSibling, reuseExisting } from "./reuse-existing.js";

/** Progress of one artifact's download. */
export interface ArtifactProgress {
  readonly artifact: string;
  readonly received: number;
  readonly total: number | null;
}

/** How an artifact came to be in the cache. */
export interface FetchOutcome {
  readonly artifact: string;
  readonly path: string;
  readonly hash: string;
  readonly status: "cached" | "verified" | "downloaded";
  readonly bytes: number;
  /** URL it was downloaded from, and bytes that were already in the partial. */
  readonly url: string | null;
  readonly resumedFrom: number;
}

/** Inputs of fetchOne. */
export interface FetchOneInput {
  readonly layout: CacheLayout;
  readonly artifact: DesiredArtifact & { readonly source: { readonly kind: "urls" } };
  readonly verify: boolean;
  readonly tuning: FetchTuning;
  readonly onProgress: ((progress: ArtifactProgress) => void) | undefined;
}

/** Makes one URL artifact present and verified in the cache (caller holds the global lock). */
export async function fetchOne(input: FetchOneInput): Promise<FetchOutcome> {
  const { artifact, layout } = input;
  const hash = requireHash(artifact);
  const final = entryPath(layout, hash.hex, artifact.source.fileName);
  const base = { artifact: artifact.name, path: final, hash: hash.sri, url: null, resumedFrom: 0 };
  await assertSafeCachePath(entryDir(layout, hash.hex), "directory");
  const reused =
    (await reuseExisting({ layout, file: final, hex: hash.hex, verify: input.verify })) ??
    (await linkSibling({ layout, final, hex: hash.hex }));
  if (reused !== null) return { ...base, status: reused.status, bytes: reused.size };
  const downloaded = await download({ input, hex: hash.hex, final }).catch((error: unknown) => {
    throw explainIoError(error, artifact.name);
  });
  return { ...base, status: "downloaded", ...downloaded };
}

async function download(args: {
  readonly input: FetchOneInput;
  readonly hex: string;
  readonly final: string;
}): Promise<{ bytes: number; url: string; resumedFrom: number }> {
  const { input, hex, final } = args;
  const { artifact, layout } = input;
  const partial = partialPath(layout, hex);
  const metaPath = partialMetaPath(layout, hex);
  await assertSafeCachePath(partial, "file");
  await assertSafeCachePath(metaPath, "file");
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW;
  const handle = await open(partial, flags, 0o644);
  let writer: PartialWriter | null = null;
  try {
    writer = new PartialWriter({
      handle,
      limit: artifact.size,
      onDisk: (await handle.stat()).size,
    });
    const onBytes = (received: number, total: number | null) =>
      input.onProgress?.({ artifact: artifact.name, received, total: artifact.size ?? total });
    const urls = artifact.source.urls;
    const meta = await readPartialMeta(metaPath);
    const got = await downloadFromMirrors({
      urls,
      writer,
      meta,
      metaPath,
      tuning: input.tuning,
      onBytes,
    });
    const actual = await writer.finish();
    if (actual !== hex || (artifact.size !== null && writer.bytes !== artifact.size)) {
      await discard(partial, metaPath);
      throw mismatchError({ artifact, url: got.url, actualHex: actual, bytes: writer.bytes });
    }
    await handle.chmod(0o444);
    await handle.close();
    await installPartial({ layout, partial, metaPath, final, hex });
    return { bytes: writer.bytes, url: got.url, resumedFrom: got.resumedFrom };
  } finally {
    // The hashing thread reads through the handle's descriptor: it stops first.
    await writer?.dispose();
    await handle.close().catch(() => undefined);
  }
}

// A full cache filesystem is the host's problem, not a bug: say so, and that the partial resumes later.
function explainIoError(error: unknown, name: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== "ENOSPC" && code !== "EDQUOT") return error;
  return new VolplanError(
    "artifact-no-space",
    `artifact ${name}: the filesystem of the artifact cache is full (${code}); free space there or move stateDir, then run volplan artifact fetch ${name} again (the partial download is kept and resumes)`,
    { cause: error },
  );
}

function requireHash(artifact: DesiredArtifact): Sha256 {
  if (artifact.hash === null) {
    throw new VolplanError(
      "artifact-no-hash",
      `artifact ${artifact.name}: a downloaded artifact needs a pinned hash`,
    );
  }
  return artifact.hash;
}

/** Removes a partial and its metadata (missing is fine). */
export async function discard(partial: string, metaPath: string): Promise<void> {
  await unlink(partial).catch(() => undefined);
  await unlink(metaPath).catch(() => undefined);
}
