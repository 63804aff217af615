// Runs a tool the way tests set up their fixtures: an argument array, a timeout, stdout back.
import { execa } from "execa";

/** Runs `file ARGS` (never through a shell) and returns its stdout; a failure throws with its stderr. */
export async function run(file: string, args: readonly string[]): Promise<string> {
  const result = await execa(file, args, { timeout: 120_000 });
  return result.stdout;
}
