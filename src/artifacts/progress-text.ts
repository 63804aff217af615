// The one line logged per artifact once it is in place.
import { formatBytes } from "../units/size.js";
import type { FetchOutcome } from "./fetch-one.js";

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
