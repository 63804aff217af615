// Tries each mirror in order, retrying each with exponential backoff while attempts make no progress.
import { setTimeout as sleep } from "node:timers/promises";
import { VolplanError } from "../errors.js";
import { RoomError } from "./cache-room.js";
import { attemptDownload, type AttemptInput } from "./download-attempt.js";
import { writerFacts } from "./download-resume.js";
import { backoffDelay } from "./fetch-tuning.js";
import { readPartialMeta } from "./partial-meta.js";
import { SourceError } from "./source-error.js";

// A transfer that keeps moving may be retried this many times in a row, whatever the attempts setting.
const MAX_TRIES_PER_URL = 50;

/** Downloads into the writer from the first mirror that works; throws with every mirror's failure. */
export async function downloadFromMirrors(
  input: Omit<AttemptInput, "url"> & { readonly urls: readonly string[] },
): Promise<{ url: string }> {
  const failures: string[] = [];
  let refusedUpFront: RoomError | null = null;
  let refusals = 0;
  let meta = input.meta;
  for (const url of input.urls) {
    try {
      return await fromOneUrl({ ...input, url, meta });
    } catch (error) {
      // A size refused before any byte was written is that mirror's claim: the next may send less.
      if (error instanceof RoomError && !error.started) {
        refusedUpFront = error;
        refusals++;
        failures.push(`${url}: ${error.message}`);
        continue;
      }
      if (!(error instanceof SourceError)) throw error;
      failures.push(error.message);
      // Bytes from a source that overran the declared size are not worth resuming.
      if (error.code === "ARTIFACT_TOO_LARGE") await input.writer.start(0);
      // The partial now belongs to whichever URL last answered: its metadata says which.
      meta = await readPartialMeta(input.metaPath);
    }
  }
  // Every mirror announced more than fits: that is the error to act on (free space).
  if (refusedUpFront !== null && refusals === failures.length) throw refusedUpFront;
  throw new VolplanError(
    "ARTIFACT_DOWNLOAD_FAILED",
    `could not download from any URL:\n  ${failures.join("\n  ")}\nCheck the URLs and the network, or add a mirror to urls.`,
  );
}

async function fromOneUrl(input: AttemptInput): Promise<{ url: string }> {
  let meta = input.meta;
  let failures = 0;
  for (let tries = 1; ; tries++) {
    const before = input.writer.bytes;
    try {
      await attemptDownload({ ...input, meta });
      return { url: input.url };
    } catch (error) {
      if (!(error instanceof SourceError) || !error.retry) throw error;
      const progressed = input.writer.bytes > before;
      failures = progressed ? 0 : failures + 1;
      if (failures >= input.tuning.attempts || tries >= MAX_TRIES_PER_URL) throw error;
      // Resume needs the validators the failed attempt saw; it wrote them beside the partial.
      meta = {
        url: input.url,
        etag: null,
        lastModified: null,
        ...writerFacts(input.writer),
        ...(await readPartialMeta(input.metaPath)),
      };
      await sleep(progressed ? 0 : backoffDelay(input.tuning, failures));
    }
  }
}
