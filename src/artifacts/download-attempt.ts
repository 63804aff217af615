// One attempt at one URL: resume with Range/If-Range when the partial allows it, else start over.
import { fileURLToPath } from "node:url";
import type { FetchTuning } from "./fetch-tuning.js";
import { HASH_READ_SIZE, openRegular } from "../host/hash-file.js";
import { resumableBytes, writerFacts } from "./download-resume.js";
import { httpGet, type HttpResponse } from "./http-source.js";
import { ifRangeValidator, writePartialMeta, type PartialMeta } from "./partial-meta.js";
import type { PartialWriter } from "./partial-writer.js";
import { SourceError } from "./source-error.js";

/** Called after every chunk with bytes so far and the total when known. */
export type ByteProgress = (received: number, total: number | null) => void;

/** Everything an attempt needs; `meta` is what the partial on disk came from. */
export interface AttemptInput {
  readonly url: string;
  readonly writer: PartialWriter;
  readonly meta: PartialMeta | null;
  readonly metaPath: string;
  readonly tuning: FetchTuning;
  readonly onBytes: ByteProgress;
}

const META_EVERY = 64 * 1024 * 1024;

/** Downloads `url` into the partial; returns the metadata now describing it. */
export async function attemptDownload(input: AttemptInput): Promise<PartialMeta> {
  const scheme = new URL(input.url).protocol;
  if (scheme === "file:") return attemptFile(input);
  if (scheme === "http:" || scheme === "https:") return attemptHttp(input);
  throw new SourceError({
    code: "DOWNLOAD_SCHEME",
    message: `${input.url}: only https, http and file URLs are supported`,
    retry: false,
  });
}

async function attemptHttp(input: AttemptInput): Promise<PartialMeta> {
  const response = await request(input);
  const encoding = response.header("content-encoding");
  if (encoding !== null && encoding !== "identity") {
    response.cancel();
    throw new SourceError({
      code: "DOWNLOAD_ENCODING",
      message: `${input.url}: the server sends Content-Encoding ${encoding} although identity was asked for; the hash is of the file as stored, so use another mirror`,
      retry: false,
    });
  }
  const meta: PartialMeta = {
    url: input.url,
    etag: response.header("etag"),
    lastModified: response.header("last-modified"),
    ...writerFacts(input.writer),
  };
  await writePartialMeta(input.metaPath, meta);
  const total = expectedTotal(response, input.writer.bytes);
  const limit = input.writer.limit;
  if (total !== null && limit !== null && total > limit) {
    response.cancel();
    throw new SourceError({
      code: "ARTIFACT_TOO_LARGE",
      message: `${input.url} sends ${total} bytes, more than the declared size of ${limit} bytes`,
      retry: false,
    });
  }
  await input.writer.expect(total).catch((error: unknown) => {
    response.cancel();
    throw error;
  });
  let nextMeta = input.writer.bytes + META_EVERY;
  try {
    for await (const chunk of response.body) {
      await input.writer.write(chunk, input.url);
      input.onBytes(input.writer.bytes, total);
      if (input.writer.bytes >= nextMeta) {
        nextMeta += META_EVERY;
        await writePartialMeta(input.metaPath, { ...meta, ...writerFacts(input.writer) });
      }
    }
  } finally {
    response.cancel();
    await input.writer.flush();
  }
  if (total !== null && input.writer.bytes !== total) {
    throw new SourceError({
      code: "DOWNLOAD_SHORT",
      message: `${input.url}: got ${input.writer.bytes} of ${total} bytes`,
      retry: true,
    });
  }
  return { ...meta, ...writerFacts(input.writer) };
}

// A 200 to a Range request, a 206 starting elsewhere, or 416 all mean: start over from byte 0.
// Without a validator (the server sent neither ETag nor Last-Modified, or the bytes came from
// another mirror) the Range goes alone: the pinned hash checks the joined file, and fetch-one
// starts over once when it does not match.
async function request(input: AttemptInput): Promise<HttpResponse> {
  const onDisk = resumableBytes(input.writer, input.meta);
  if (onDisk === 0) return fromZero(input);
  const validator = ifRangeValidator(input.meta, input.url);
  const headers: Record<string, string> = { range: `bytes=${onDisk}-` };
  if (validator !== null) headers["if-range"] = validator;
  const response = await httpGet({ url: input.url, headers, tuning: input.tuning }).catch(
    (error: unknown) => {
      if (error instanceof SourceError && error.status === 416) return null;
      throw error;
    },
  );
  if (response !== null && response.status === 206 && rangeStart(response) === onDisk) {
    await input.writer.start(onDisk);
    return response;
  }
  if (response !== null && response.status === 200) {
    await input.writer.start(0);
    return response;
  }
  response?.cancel();
  return fromZero(input);
}

// The partial is dropped only once a server answers, so a dead mirror never costs a resumable partial.
async function fromZero(input: AttemptInput): Promise<HttpResponse> {
  const response = await httpGet({ url: input.url, headers: {}, tuning: input.tuning });
  await input.writer.start(0);
  return response;
}

function rangeStart(response: HttpResponse): number | null {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.header("content-range") ?? "");
  return match?.[1] === undefined ? null : Number(match[1]);
}

function expectedTotal(response: HttpResponse, start: number): number | null {
  const length = response.header("content-length");
  if (length === null || !/^\d+$/.test(length)) return null;
  return start + Number(length);
}

async function attemptFile(input: AttemptInput): Promise<PartialMeta> {
  const handle = await openRegular(fileURLToPath(input.url)).catch((error: unknown) => {
    throw new SourceError({
      code: "DOWNLOAD_FILE",
      message: `${input.url}: ${(error as Error).message}`,
      retry: false,
      cause: error,
    });
  });
  try {
    await input.writer.start(0);
    await writePartialMeta(input.metaPath, {
      url: input.url,
      etag: null,
      lastModified: null,
      ...writerFacts(input.writer),
    });
    const total = (await handle.stat()).size;
    await input.writer.expect(total);
    for (;;) {
      // A fresh buffer per read: the writer keeps chunks until it flushes.
      const buffer = Buffer.allocUnsafe(HASH_READ_SIZE);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      await input.writer.write(buffer.subarray(0, bytesRead), input.url);
      input.onBytes(input.writer.bytes, total);
    }
  } finally {
    await handle.close();
    await input.writer.flush();
  }
  return { url: input.url, etag: null, lastModified: null, ...writerFacts(input.writer) };
}
