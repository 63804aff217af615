// Memoized lstat, so directories shared by many volumes are read once per observe run.
import type { Stats } from "node:fs";
import type { HostReader } from "./host-reader.js";

/** lstat results by path for one observe run. */
export class LstatCache {
  readonly #host: HostReader;
  readonly #entries = new Map<string, Stats | null>();

  constructor(host: HostReader) {
    this.#host = host;
  }

  /** lstat of `path`, read at most once. */
  lstat(path: string): Stats | null {
    let entry = this.#entries.get(path);
    if (entry === undefined) {
      entry = this.#host.lstat(path);
      this.#entries.set(path, entry);
    }
    return entry;
  }
}
