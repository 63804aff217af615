// Fetches one URL artifact into the cache: reuse a verified entry, else download (mirrors, retries, resume), verify, install.
import { constants } from "node:fs";
import { open } from "node:fs/promises";
import type { DesiredArtifact, Sha256 } from "../manifest/desired.js";
import { VolplanError } from "../errors.js";
import {
  entryDir,
  entryPath,
  partialMetaPath,
  partialPath,
  type CacheLayout,
} from "../host/state-layout.js";
import type { CacheRoom } from "./cache-room.js";
import { assertSafeCachePath } from "./cache-safety.js";
import { downloadFromMirrors } from "./download-mirrors.js";
import type { FetchTuning } from "./fetch-tuning.js";
import { installPartial } from "./install.js";
import { mismatchError } from "./mismatch-error.js";
import { discard, keepOrDrop } from "./partial-fate.js";
import type { ProgressEvent } from "../apply/context.js";
import { readPartialMeta } from "./partial-meta.js";
import { PartialWriter } from "./partial-writer.js";
import { linkSibling, reuseExisting } from "./reuse-existing.js";

/** Progress of one artifact's download: subject "artifact NAME", step "download", bytes in the partial so far. */
export type ArtifactProgress = ProgressEvent;

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
  /** Stops a download before it takes free space below the reserve; null: only a full filesystem stops it. */
  readonly room: CacheRoom | null;
  /** The command that fetches an artifact again, for messages. */
  readonly retry: (name: string) => string;
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
  const downloaded = await download({ input, hex: hash.hex, final });
  return { ...base, status: "downloaded", ...downloaded };
}

// A resumed partial joins bytes of two transfers, possibly of different files (no validator, or
// another mirror): when the whole does not match the pinned hash, it starts over from zero once.
async function download(args: DownloadArgs): Promise<Downloaded> {
  const first = await downloadOnce(args);
  if (first.ok) return first.value;
  if (!first.resumed) throw first.error;
  const second = await downloadOnce(args);
  if (second.ok) return second.value;
  throw second.error;
}

interface DownloadArgs {
  readonly input: FetchOneInput;
  readonly hex: string;
  readonly final: string;
}

interface Downloaded {
  readonly bytes: number;
  readonly url: string;
  readonly resumedFrom: number;
}

type Attempt =
  | { readonly ok: true; readonly value: Downloaded }
  | { readonly ok: false; readonly error: Error; readonly resumed: boolean };

async function downloadOnce(args: DownloadArgs): Promise<Attempt> {
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
      room: input.room,
    });
    const got = await fromMirrors({ input, writer, metaPath });
    const actual = await writer.finish();
    if (actual !== hex || (artifact.size !== null && writer.bytes !== artifact.size)) {
      await discard(partial, metaPath);
      const error = mismatchError({
        artifact,
        url: got.url,
        actualHex: actual,
        bytes: writer.bytes,
      });
      return { ok: false, error, resumed: writer.resumed };
    }
    await handle.chmod(0o444);
    await handle.close();
    await installPartial({ layout, partial, metaPath, final, hex });
    const value = { bytes: writer.bytes, url: got.url, resumedFrom: writer.keptFromBefore };
    return { ok: true, value };
  } catch (error) {
    const size = await handle.stat().then(
      (stats) => stats.size,
      () => 0,
    );
    const retry = input.retry(artifact.name);
    throw await keepOrDrop({ error, partial, metaPath, name: artifact.name, size, retry });
  } finally {
    // The hashing thread reads through the handle's descriptor: it stops first.
    await writer?.dispose();
    await handle.close().catch(() => undefined);
  }
}

async function fromMirrors(args: {
  readonly input: FetchOneInput;
  readonly writer: PartialWriter;
  readonly metaPath: string;
}): Promise<{ url: string }> {
  const { input, writer, metaPath } = args;
  const name = input.artifact.name;
  const onBytes = (done: number, total: number | null) =>
    input.onProgress?.({
      subject: `artifact ${name}`,
      step: "download",
      done,
      total: input.artifact.size ?? total,
    });
  return downloadFromMirrors({
    urls: input.artifact.source.urls,
    writer,
    meta: await readPartialMeta(metaPath),
    metaPath,
    tuning: input.tuning,
    onBytes,
  });
}

function requireHash(artifact: DesiredArtifact): Sha256 {
  if (artifact.hash === null) {
    throw new VolplanError(
      "ARTIFACT_NO_HASH",
      `artifact ${artifact.name}: a downloaded artifact needs a pinned hash`,
    );
  }
  return artifact.hash;
}
