// The error for downloaded bytes that do not match the pinned hash (or declared size).
import type { DesiredArtifact } from "../manifest/desired.js";
import { sriFromHex } from "../manifest/hash.js";
import { VolplanError } from "../errors.js";

/** Names the artifact, the URL, both SRI hashes and the usual cause. */
export function mismatchError(input: {
  readonly artifact: DesiredArtifact;
  readonly url: string;
  readonly actualHex: string;
  readonly bytes: number;
}): VolplanError {
  const { artifact } = input;
  const expected = artifact.hash?.sri ?? "(none)";
  const actual = sriFromHex(input.actualHex);
  const sizeNote =
    artifact.size !== null && artifact.size !== input.bytes
      ? ` It is ${input.bytes} bytes; the manifest declares ${artifact.size}.`
      : "";
  return new VolplanError(
    "ARTIFACT_HASH_MISMATCH",
    `artifact ${artifact.name}: ${input.url} has hash ${actual}, but the manifest pins ${expected}.${sizeNote} ` +
      "Nothing was installed and the partial download was deleted. Likely cause: nixos-images re-uploads release assets " +
      "under the same URL; update the pinned hash, or pin a Nix store path or a mirror you control.",
  );
}
