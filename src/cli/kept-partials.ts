// The interrupt note of downloads: which partial downloads are kept, their size, and the command that resumes them.
import { lstatSync } from "node:fs";
import { cacheLayout, partialPath } from "../host/state-layout.js";
import type { DesiredArtifact } from "../manifest/desired.js";
import { formatBytes } from "../units/size.js";

/** One line per artifact with a partial download on disk now (read with lstat: safe inside a signal handler). */
export function keptPartialLines(input: {
  readonly stateDir: string;
  readonly artifacts: readonly DesiredArtifact[];
  /** The command that resumes the work, e.g. "volplan artifact fetch kexec". */
  readonly resume: (artifact: string) => string;
}): string[] {
  const layout = cacheLayout(input.stateDir);
  return input.artifacts.flatMap((artifact) => {
    if (artifact.source.kind !== "urls" || artifact.hash === null) return [];
    const file = partialPath(layout, artifact.hash.hex);
    let size: number;
    try {
      const stats = lstatSync(file);
      if (!stats.isFile() || stats.size === 0) return [];
      size = stats.size;
    } catch {
      return [];
    }
    const of = artifact.size === null ? "" : ` of ${formatBytes(artifact.size)}`;
    return [
      `artifact ${artifact.name}: kept a resumable partial download, ${formatBytes(size)}${of} (${file}); ${input.resume(artifact.name)} resumes it`,
    ];
  });
}
