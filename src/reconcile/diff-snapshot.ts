// The imaginary host `volplan diff` plans against: OLD applied perfectly, and nothing yet of what NEW adds.
import type { DesiredState } from "../manifest/desired.js";
import type { ObservedArtifact, ObservedVolume, Snapshot } from "../plan/snapshot.js";
import { idealSnapshot } from "../plan/simulate.js";

// Prefix that cannot occur in a manifest id (ids are checked against a strict pattern).
const PHANTOM = "\u0000new:";

/**
 * idealSnapshot(OLD), plus an empty place for every volume and artifact only NEW declares.
 * NEW's volumes and artifacts are folded in under phantom ids first, so user and group ids are
 * assigned over the names of both manifests (an owner unchanged between them keeps its uid) and
 * new seeds exist; then the phantoms are replaced by "missing" observations.
 */
export function diffSnapshot(input: {
  readonly oldState: DesiredState;
  readonly newState: DesiredState;
}): Snapshot {
  const { oldState, newState } = input;
  const combined: DesiredState = {
    ...oldState,
    volumes: [...oldState.volumes, ...newState.volumes.map((v) => ({ ...v, id: PHANTOM + v.id }))],
    artifacts: [
      ...oldState.artifacts,
      ...newState.artifacts.map((a) => ({ ...a, name: PHANTOM + a.name })),
    ],
  };
  const ideal = idealSnapshot(combined);
  const volumes: Record<string, ObservedVolume> = {};
  for (const v of oldState.volumes) volumes[v.id] = ideal.volumes[v.id]!;
  for (const v of newState.volumes) {
    const phantom = ideal.volumes[PHANTOM + v.id]!;
    volumes[v.id] ??= { ...phantom, entry: { type: "missing" } };
  }
  const artifacts: Record<string, ObservedArtifact> = {};
  for (const a of oldState.artifacts) artifacts[a.name] = ideal.artifacts[a.name]!;
  for (const a of newState.artifacts) {
    const phantom = ideal.artifacts[PHANTOM + a.name]!;
    artifacts[a.name] ??= { ...phantom, state: "missing" };
  }
  return { ...ideal, volumes, artifacts };
}
