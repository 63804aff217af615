// Builders of the declared side (DesiredState, DesiredVolume) for planner, observe and apply tests.
import type {
  DesiredArtifact,
  DesiredState,
  DesiredVolume,
  SeedMode,
} from "../../src/manifest/desired.js";

const GIB = 1024 ** 3;

/** A declared raw image volume "web/root" of 8 GiB ext4, sparse, owned by root, with overrides (a seed's mode defaults to "copy"). */
export function desiredVolume(
  overrides: Partial<Omit<DesiredVolume, "format" | "seed">> & {
    format?: Partial<DesiredVolume["format"]>;
    seed?: { from: string; mode?: SeedMode } | null;
  } = {},
): DesiredVolume {
  const id = overrides.id ?? "web/root";
  const { format, seed, ...rest } = overrides;
  return {
    id,
    kind: "image",
    path: `/var/lib/microvms/${id}.img`,
    size: 8 * GIB,
    imageFormat: "raw",
    allocation: "sparse",
    seed: seed === undefined || seed === null ? null : { mode: "copy", ...seed },
    growFilesystem: "host",
    owner: "root",
    group: "root",
    mode: 0o600,
    ...rest,
    format: { type: "ext4", label: null, uuid: null, mkfsArgs: [], ...format },
  };
}

/** A desired state with the given volumes (sorted by id), artifacts, policy and state directory. */
export function desiredState(input: {
  volumes: readonly DesiredVolume[];
  artifacts?: readonly DesiredArtifact[];
  policy?: Partial<DesiredState["policy"]>;
  stateDir?: string;
}): DesiredState {
  return {
    version: 1,
    stateDir: input.stateDir ?? "/var/lib/volplan",
    policy: { reserve: { kind: "percent", percent: 5 }, overcommit: "warn", ...input.policy },
    volumes: [...input.volumes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    artifacts: input.artifacts ?? [],
  };
}
