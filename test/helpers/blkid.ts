// blkid's view of an image file, as an independent check of what volplan formatted or detected.
import { stat } from "node:fs/promises";
import { execa } from "execa";

/** What blkid's low-level probe finds in `file` as KEY=VALUE pairs (TYPE, LABEL, UUID, ...); {} when it recognizes nothing. */
export async function blkid(file: string): Promise<Record<string, string>> {
  // blkid answers "nothing found" (exit 2) for a missing file too: make that an error.
  await stat(file);
  const result = await execa("blkid", ["-p", "-o", "export", file], {
    reject: false,
    timeout: 60_000,
  });
  if (result.exitCode === 2) return {};
  if (result.exitCode !== 0) {
    throw new Error(`blkid -p ${file} exited ${result.exitCode}: ${result.stderr}`);
  }
  return Object.fromEntries(
    result.stdout
      .split("\n")
      .filter((line) => line.includes("="))
      // The export format escapes spaces and other specials with a backslash.
      .map((line) => [
        line.slice(0, line.indexOf("=")),
        line.slice(line.indexOf("=") + 1).replace(/\\(.)/g, "$1"),
      ]),
  );
}
