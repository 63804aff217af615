// Reads a manifest file with bounded size; expected problems (missing, unreadable, a directory) become issues.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { VolplanError } from "../errors.js";
import { error, type Issue } from "./issue.js";

/** Largest manifest volplan reads. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

const EXPECTED: Readonly<Record<string, { found: string; fix: string }>> = {
  ENOENT: {
    found: "does not exist",
    fix: "Check the path, or build the manifest first (the NixOS module writes it).",
  },
  ENOTDIR: { found: "does not exist (a parent is not a directory)", fix: "Check the path." },
  EACCES: {
    found: "cannot be read (permission denied)",
    fix: "Run volplan as a user that can read it (usually root), or fix its permissions.",
  },
  EPERM: {
    found: "cannot be read (operation not permitted)",
    fix: "Run volplan as a user that can read it (usually root).",
  },
  EISDIR: { found: "is a directory", fix: "Give the path of the manifest JSON file inside it." },
  ELOOP: { found: "is a symlink loop", fix: "Point the path at the manifest file itself." },
  ENAMETOOLONG: { found: "has a name that is too long", fix: "Check the path." },
};

function fileIssue(path: string, found: string, fix: string): Issue {
  return error("", `manifest ${path} ${found}.`, fix);
}

/** The text of a manifest file, or an issue when it cannot be used; unexpected I/O errors throw VolplanError. */
export async function readManifestFile(path: string): Promise<{ text: string } | { issue: Issue }> {
  // Synchronous calls: a local file is read in well under a millisecond, less than the four
  // thread-pool round trips (open, stat, read, close) of fs/promises.
  return Promise.resolve(readManifestFileSync(path));
}

function readManifestFileSync(path: string): { text: string } | { issue: Issue } {
  let fd;
  try {
    // O_NONBLOCK so a FIFO given by mistake is refused below instead of blocking the open.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    return expected(path, cause);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      return { issue: fileIssue(path, EXPECTED.EISDIR!.found, EXPECTED.EISDIR!.fix) };
    if (!stat.isFile())
      return {
        issue: fileIssue(path, "is not a regular file", "Give the path of the manifest JSON file."),
      };
    const buffer = Buffer.alloc(Math.min(stat.size, MAX_MANIFEST_BYTES) + 1);
    let length = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, null);
      if (bytesRead === 0 || (length += bytesRead) === buffer.length) break;
    }
    if (length > MAX_MANIFEST_BYTES || stat.size > MAX_MANIFEST_BYTES) {
      return {
        issue: fileIssue(
          path,
          `is larger than ${MAX_MANIFEST_BYTES} bytes (16 MiB)`,
          "Check that the path names the manifest; volplan reads manifests up to 16 MiB.",
        ),
      };
    }
    return decode(path, buffer.subarray(0, length));
  } catch (cause) {
    return expected(path, cause);
  } finally {
    closeSync(fd);
  }
}

function decode(path: string, bytes: Uint8Array): { text: string } | { issue: Issue } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text };
  } catch {
    return {
      issue: fileIssue(path, "is not valid UTF-8 text", "Write the manifest as UTF-8 JSON."),
    };
  }
}

function expected(path: string, cause: unknown): { issue: Issue } {
  const code = (cause as { code?: unknown } | null)?.code;
  const known = typeof code === "string" ? EXPECTED[code] : undefined;
  if (known === undefined) {
    throw new VolplanError(
      "MANIFEST_READ_FAILED",
      `could not read manifest ${path}: ${String(cause)}`,
      { cause },
    );
  }
  return { issue: fileIssue(path, known.found, known.fix) };
}
