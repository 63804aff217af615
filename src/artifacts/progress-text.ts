// Text of the download progress bar and of the one line logged per artifact.
import { formatBytes } from "../units/size.js";
import type { ArtifactProgress, FetchOutcome } from "./fetch-one.js";

/** "kexec [#######.......]  45% 160 MiB / 350 MiB" (or bytes so far when the total is unknown). */
export function progressLine(progress: ArtifactProgress, width = 24): string {
  if (progress.total === null || progress.total <= 0)
    return `${progress.artifact} ${formatBytes(progress.received)}`;
  const ratio = Math.min(1, progress.received / progress.total);
  const filled = Math.round(ratio * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `${progress.artifact} [${bar}] ${percent} ${formatBytes(progress.received)} / ${formatBytes(progress.total)}`;
}

/** One line per artifact once it is in place. */
export function outcomeLine(outcome: FetchOutcome): string {
  const size = formatBytes(outcome.bytes);
  switch (outcome.status) {
    case "cached":
      return `${outcome.artifact}: cached (${size}) ${outcome.path}`;
    case "verified":
      return `${outcome.artifact}: verified ${outcome.hash} (${size}) ${outcome.path}`;
    case "downloaded": {
      const resumed =
        outcome.resumedFrom > 0 ? `, resumed after ${formatBytes(outcome.resumedFrom)}` : "";
      return `${outcome.artifact}: downloaded ${size} from ${outcome.url ?? "?"}${resumed}, verified ${outcome.hash} ${outcome.path}`;
    }
  }
}
