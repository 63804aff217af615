// Builds DesiredState for artifact tests through the real manifest loader.
import { expect } from "vitest";
import type { DesiredState } from "../../../src/manifest/desired.js";
import type { Issue } from "../../../src/manifest/issue.js";
import { parseManifestText } from "../../../src/manifest/load.js";
import type { FetchTuning } from "../../../src/artifacts/fetch-tuning.js";

/** A loaded manifest with only artifacts. */
export function desiredWith(
  stateDir: string,
  artifacts: Record<string, unknown>,
): { desired: DesiredState; warnings: Issue[] } {
  const result = parseManifestText(JSON.stringify({ version: 1, stateDir, artifacts }), "<test>");
  if (!result.ok) expect.fail(JSON.stringify(result.issues, null, 2));
  return { desired: result.desired, warnings: result.warnings };
}

/** Short timeouts so failure paths finish quickly. */
export const FAST: FetchTuning = {
  connectTimeoutMs: 5_000,
  idleTimeoutMs: 1_000,
  minBytesPerSecond: 0,
  slowWindowMs: 60_000,
  attempts: 2,
  backoffMs: 10,
  maxRedirects: 5,
};
