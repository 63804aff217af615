// Memoized directory listings: the image scan and the temp-file scan read each directory once.
import type { HostReader, Listing } from "./host-reader.js";

/** listDirectory results by directory for one observe run. */
export class DirectoryListings {
  readonly #host: HostReader;
  readonly #entries = new Map<string, { listing: Listing | null } | { error: unknown }>();

  constructor(host: HostReader) {
    this.#host = host;
  }

  /** The listing of `dir`, read at most once (a failure is kept and rethrown to every caller). */
  list(dir: string): Listing | null {
    let entry = this.#entries.get(dir);
    if (entry === undefined) {
      try {
        entry = { listing: this.#host.listDirectory(dir) };
      } catch (error) {
        entry = { error };
      }
      this.#entries.set(dir, entry);
    }
    if ("error" in entry) throw entry.error;
    return entry.listing;
  }

  /** True when the listing of `path`'s directory names it as a regular file; false on any failure. */
  listsRegularFile(dir: string, name: string): boolean {
    try {
      return this.list(dir)?.get(name) === true;
    } catch {
      // An unreadable directory: the image goes the lstat way; the temp-file scan reports it.
      return false;
    }
  }
}
