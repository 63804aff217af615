// sha256 of a file's first bytes, computed by a worker thread that reads them back as they are
// written: receiving a download and hashing it then run on two cores instead of one (hashing
// alone is about 0.25 s of CPU for a 350 MiB kexec tarball).
import { Worker } from "node:worker_threads";

/** Messages to the worker: hash through byte `upTo`, and with `digest` answer with the hex. */
interface Advance {
  readonly upTo: number;
  readonly digest: boolean;
}

// The worker's whole program; it runs from its source text (eval), so it uses only globals.
function hashWorker(): void {
  const threads = process.getBuiltinModule("node:worker_threads");
  const parentPort = threads.parentPort;
  const { createHash } = process.getBuiltinModule("node:crypto");
  const { readSync } = process.getBuiltinModule("node:fs");
  const fd = (threads.workerData as { fd: number }).fd;
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let done = 0;
  parentPort?.on("message", (message: Advance) => {
    while (done < message.upTo) {
      const want = Math.min(buffer.length, message.upTo - done);
      const read = readSync(fd, buffer, 0, want, done);
      if (read === 0) throw new Error(`the file ends at byte ${done}, before byte ${message.upTo}`);
      hash.update(buffer.subarray(0, read));
      done += read;
    }
    if (message.digest) parentPort.postMessage(hash.digest("hex"));
  });
}

/** Hashes bytes [0, n) of an open file in the background, as the caller reports them written. */
export class FileHasher {
  readonly #worker: Worker;
  #failure: Error | null = null;
  #answer: { resolve: (hex: string) => void; reject: (error: Error) => void } | null = null;

  /** `fd` must stay open (and readable) until close() returns. */
  constructor(fd: number) {
    this.#worker = new Worker(`(${hashWorker.toString()})()`, { eval: true, workerData: { fd } });
    // Only a pending digest keeps volplan running: an abandoned download never waits for it.
    this.#worker.unref();
    this.#worker.on("error", (error: Error) => {
      this.#failure = error;
      this.#answer?.reject(error);
    });
    this.#worker.on("message", (hex: string) => this.#answer?.resolve(hex));
    this.#worker.on("exit", (code: number) => {
      this.#failure ??= new Error(`the hashing thread stopped (exit code ${code})`);
      this.#answer?.reject(this.#failure);
    });
  }

  /** Bytes [0, upTo) are in the file now: hash them in the background. */
  advance(upTo: number): void {
    if (this.#failure === null) this.#worker.postMessage({ upTo, digest: false } satisfies Advance);
  }

  /** The sha256 (hex) of bytes [0, size), once the worker has read them all. */
  async digest(size: number): Promise<string> {
    if (this.#failure !== null) throw this.#failure;
    this.#worker.ref();
    try {
      return await new Promise<string>((resolve, reject) => {
        this.#answer = { resolve, reject };
        this.#worker.postMessage({ upTo: size, digest: true } satisfies Advance);
      });
    } finally {
      this.#answer = null;
      this.#worker.unref();
    }
  }

  /** Stops the worker; call it before the file's descriptor is closed. */
  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
