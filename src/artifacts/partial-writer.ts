// Appends downloaded bytes to a partial file in large writes; a worker hashes what is written.
import type { FileHandle } from "node:fs/promises";
import { ensureRoom, type CacheRoom } from "./cache-room.js";
import { FileHasher } from "./file-hasher.js";
import { SourceError } from "./source-error.js";

const FLUSH_BYTES = 4 * 1024 * 1024;
// A slow transfer writes at least this often, so an interrupt or kill loses at most a second of it.
const FLUSH_MS = 1000;
const SYNC_BYTES = 64 * 1024 * 1024;

/** The partial file of one artifact: where the next byte goes, and a hasher of everything before it. */
export class PartialWriter {
  readonly #handle: FileHandle;
  /** Reads back and hashes the file's bytes as writes complete (from byte 0, so kept bytes too). */
  #hasher: FileHasher | null = null;
  #position = 0;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  readonly #limit: number | null;
  readonly #room: CacheRoom | null;
  /** True once bytes from before a (re)start were kept: the file then joins two transfers. */
  #resumed = false;
  /** Bytes of the file from before this process that are still kept (0 once it started over). */
  #keptFromBefore = 0;
  /** The size the current transfer announced, for messages. */
  #total: number | null = null;
  /** True once this process has taken over the file (start) and no write has failed since. */
  #primed = false;
  /** The write running in the background, if any. */
  #inFlight: Promise<void> | null = null;
  /** Background fdatasync started every SYNC_BYTES, so the final fsync finds little left to write. */
  #syncing: Promise<void> | null = null;
  #unsynced = 0;
  #flushedAt = performance.now();
  /** Bytes known to be on disk (a datasync covering them returned); only these survive a power loss. */
  #durable = 0;

  constructor(input: {
    handle: FileHandle;
    limit: number | null;
    onDisk: number;
    room: CacheRoom | null;
  }) {
    this.#handle = input.handle;
    this.#limit = input.limit;
    this.#position = input.onDisk;
    this.#room = input.room;
  }

  /** The declared size, or null when unknown. */
  get limit(): number | null {
    return this.#limit;
  }

  /** Bytes written (or buffered) so far. */
  get bytes(): number {
    return this.#position + this.#pendingBytes;
  }

  /** Bytes covered by a completed datasync (0 until the first one): what resume metadata may claim. */
  get durable(): number {
    return this.#durable;
  }

  /** True once this process has taken over the bytes before `bytes` itself. */
  get primed(): boolean {
    return this.#primed;
  }

  /** Bytes a partial left by an earlier run contributed (what "resumed after" reports). */
  get keptFromBefore(): number {
    return this.#keptFromBefore;
  }

  /** True when the file joins bytes of more than one transfer (a resume kept bytes). */
  get resumed(): boolean {
    return this.#resumed;
  }

  /** The transfer will end at `total` bytes: refuses up front (RoomError) when that does not fit above the reserve. */
  async expect(total: number | null): Promise<void> {
    this.#total = total;
    if (total === null) return;
    await ensureRoom({
      room: this.#room,
      bytes: total - this.bytes,
      at: this.bytes,
      started: false,
      total,
    });
  }

  /** Continues after the bytes already in the file (hashing them again), or starts over when `keep` is 0. */
  async start(keep: number): Promise<void> {
    // A failed write is already recorded (#primed); the file is re-read below.
    await this.#settle().catch(() => undefined);
    // A sync still running would otherwise vouch for bytes written after the truncate below.
    await this.#syncing?.catch(() => undefined);
    if (keep > 0) this.#resumed = true;
    if (this.#primed && keep === this.bytes && this.#pendingBytes === 0) return;
    const before = this.#primed ? this.#keptFromBefore : Infinity;
    this.#primed = true;
    this.#pending = [];
    this.#pendingBytes = 0;
    // A fresh hasher: the old one may be reading bytes past the truncation below.
    await this.#hasher?.close();
    this.#hasher = new FileHasher(this.#handle.fd);
    this.#position = Math.min(keep, (await this.#handle.stat()).size);
    this.#resumed = this.#resumed && this.#position > 0;
    this.#keptFromBefore = Math.min(before, this.#position);
    await this.#handle.truncate(this.#position);
    this.#hasher.advance(this.#position);
    // One datasync (cheap: little is dirty) makes the kept bytes count as durable.
    if (this.#position > 0) await this.#handle.datasync();
    this.#durable = this.#position;
  }

  /** Buffers one chunk; refuses to grow beyond the declared size. */
  async write(chunk: Uint8Array, url: string): Promise<void> {
    if (this.#limit !== null && this.bytes + chunk.length > this.#limit) {
      throw new SourceError({
        code: "ARTIFACT_TOO_LARGE",
        message: `${url} sends more than the declared size of ${this.#limit} bytes`,
        retry: false,
      });
    }
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes >= FLUSH_BYTES || performance.now() - this.#flushedAt >= FLUSH_MS)
      await this.#writeBehind();
  }

  /** Writes every buffered chunk and waits until all writes are done. */
  async flush(): Promise<void> {
    await this.#settle();
    if (this.#pendingBytes === 0) return;
    await this.#ensureRoom();
    await this.#writeAll(...this.#take());
  }

  // Checked after the previous write settled, so free space already counts it.
  async #ensureRoom(): Promise<void> {
    await ensureRoom({
      room: this.#room,
      bytes: this.#pendingBytes,
      at: this.bytes,
      started: true,
      total: this.#total,
    });
  }

  // Write-behind: one write runs in the thread pool while the next chunks are read and hashed.
  async #writeBehind(): Promise<void> {
    await this.#settle();
    await this.#ensureRoom();
    this.#flushedAt = performance.now();
    const [chunks, at] = this.#take();
    this.#unsynced += this.#position - at;
    const write = this.#writeAll(chunks, at);
    if (this.#unsynced >= SYNC_BYTES && this.#syncing === null) {
      this.#unsynced = 0;
      const covered = this.#position;
      const sync = write
        .then(() => this.#handle.datasync())
        .then(() => {
          this.#durable = Math.min(covered, this.#position);
        })
        .finally(() => {
          this.#syncing = null;
        });
      sync.catch(() => undefined);
      this.#syncing = sync;
    }
    // Handled here so an early failure is not "unhandled"; #settle still rethrows it.
    write.catch(() => undefined);
    this.#inFlight = write;
  }

  async #settle(): Promise<void> {
    const write = this.#inFlight;
    this.#inFlight = null;
    if (write !== null) await write;
  }

  #take(): [Uint8Array[], number] {
    const taken: [Uint8Array[], number] = [this.#pending, this.#position];
    this.#position += this.#pendingBytes;
    this.#pending = [];
    this.#pendingBytes = 0;
    return taken;
  }

  async #writeAll(chunks: Uint8Array[], at: number): Promise<void> {
    let buffers = chunks;
    let position = at;
    try {
      while (buffers.length > 0) {
        const { bytesWritten } = await this.#handle.writev(buffers, position);
        position += bytesWritten;
        buffers = dropWritten(buffers, bytesWritten);
      }
      this.#hasher?.advance(position);
    } catch (error) {
      // The hash now covers bytes that never reached the file: a resume must re-hash from disk.
      this.#primed = false;
      throw error;
    }
  }

  /** Flushes, fsyncs and returns the sha256 (hex) of the whole file; the writer is done then. */
  async finish(): Promise<string> {
    await this.flush();
    await this.#syncing;
    await this.#handle.sync();
    this.#durable = this.#position;
    this.#hasher ??= new FileHasher(this.#handle.fd);
    try {
      return await this.#hasher.digest(this.#position);
    } finally {
      await this.dispose();
    }
  }

  /** Stops the hashing thread; call it before the file's handle is closed. */
  async dispose(): Promise<void> {
    const hasher = this.#hasher;
    this.#hasher = null;
    await hasher?.close();
  }
}

function dropWritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let left = written;
  const rest: Uint8Array[] = [];
  for (const buffer of buffers) {
    if (left >= buffer.length) {
      left -= buffer.length;
      continue;
    }
    rest.push(left > 0 ? buffer.subarray(left) : buffer);
    left = 0;
  }
  return rest;
}
