// Memoized lstat, so directories shared by many volumes are read once per observe run.
import type { Stats } from "node:fs";
import type { HostFs } from "./host-fs.js";

/** lstat results by path for one observe run. */
export class LstatCache {
  readonly #host: HostFs;
  readonly #entries = new Map<string, Stats | null>();

  constructor(host: HostFs) {
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
