// Content hashes for tests that prove a file was left byte-identical.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";

/** sha256 (hex) of a buffer or string. */
export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 (hex) of a whole file. */
export async function sha256File(file: string): Promise<string> {
  return sha256(await readFile(file));
}
