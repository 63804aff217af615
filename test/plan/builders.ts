// Small builders for planner tests: observed entries and whole snapshots. The declared side comes
// from the shared builders (test/helpers/desired.ts), re-exported so a planner test imports both
// sides from here.
import { expect } from "vitest";
import type { DesiredState, DesiredVolume } from "../../src/manifest/desired.js";
import { plan } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";
import { desiredState } from "../helpers/desired.js";
import type {
  FoundFilesystem,
  ObservedEntry,
  ObservedFilesystem,
  ObservedSeed,
  ObservedTempFile,
  ObservedVolume,
  PathProblem,
  Snapshot,
} from "../../src/plan/snapshot.js";

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
export const TIB = 1024 * GIB;

/** Id of the default host filesystem in these tests. */
export const HOST_FS = "8:1";

type FileEntry = Extract<ObservedEntry, { type: "file" }>;

export { desiredState, desiredVolume } from "../helpers/desired.js";

/** A filesystem found in an image: ext4 of `size` bytes without label. */
export function foundFs(size: number, overrides: Partial<FoundFilesystem> = {}): FoundFilesystem {
  return { type: "ext4", label: null, uuid: null, size, ...overrides };
}

/** An existing image file of 8 GiB holding a matching ext4, owned by root with mode 0600. */
export function observedFile(overrides: Partial<FileEntry> = {}): FileEntry {
  const size = overrides.size ?? 8 * GIB;
  return {
    type: "file",
    size,
    allocated: 10 * MIB,
    uid: 0,
    gid: 0,
    mode: 0o600,
    ino: 12,
    mtimeMs: 0,
    filesystem: foundFs(size),
    holders: [],
    ...overrides,
  };
}

/** A host filesystem "8:1" at /var/lib: 1 TiB, 500 GiB free, sparse and fallocate, no reflink. */
export function hostFs(overrides: Partial<ObservedFilesystem> = {}): ObservedFilesystem {
  return {
    id: HOST_FS,
    mountPoint: "/var/lib",
    type: "ext4",
    total: TIB,
    free: 500 * GIB,
    blockSize: 4096,
    capabilities: { sparse: true, reflink: false, fallocate: true },
    ...overrides,
  };
}

/** A temp file left by a dead run for a volume. */
export function tempFile(overrides: Partial<ObservedTempFile> = {}): ObservedTempFile {
  return {
    path: "/var/lib/microvms/.root.img.volplan-tmp-4242-0badcafe",
    volume: "web/root",
    filesystem: HOST_FS,
    size: 8 * GIB,
    allocated: 3 * MIB,
    live: false,
    ...overrides,
  };
}

/** A base image for seeding. */
export function seedImage(path: string, overrides: Partial<ObservedSeed> = {}): ObservedSeed {
  return {
    path,
    exists: true,
    size: 2 * GIB,
    allocated: 700 * MIB,
    filesystem: HOST_FS,
    ...overrides,
  };
}

/** What a test says about each volume: its entry, and optionally a path problem or filesystem id. */
export interface VolumeObservation {
  readonly entry?: ObservedEntry;
  readonly pathProblem?: PathProblem | null;
  readonly filesystem?: string | null;
}

/** A snapshot observing every volume of `desired` (missing unless given), on hostFs() unless given. */
export function snapshotWith(input: {
  desired: DesiredState;
  volumes?: Readonly<Record<string, VolumeObservation>>;
  filesystems?: readonly ObservedFilesystem[];
  tempFiles?: readonly ObservedTempFile[];
  seeds?: readonly ObservedSeed[];
  users?: Readonly<Record<string, number>>;
  groups?: Readonly<Record<string, number>>;
  artifacts?: Snapshot["artifacts"];
}): Snapshot {
  const volumes: Record<string, ObservedVolume> = {};
  for (const volume of input.desired.volumes) {
    const seen = input.volumes?.[volume.id] ?? {};
    volumes[volume.id] = {
      path: volume.path,
      filesystem: seen.filesystem === undefined ? HOST_FS : seen.filesystem,
      pathProblem: seen.pathProblem ?? null,
      entry: seen.entry ?? { type: "missing" },
    };
  }
  const filesystems = input.filesystems ?? [hostFs()];
  return {
    volumes,
    filesystems: Object.fromEntries(filesystems.map((fs) => [fs.id, fs])),
    tempFiles: input.tempFiles ?? [],
    seeds: Object.fromEntries((input.seeds ?? []).map((s) => [s.path, s])),
    artifacts: input.artifacts ?? {},
    users: input.users ?? { root: 0, microvm: 995 },
    groups: input.groups ?? { root: 0, kvm: 302 },
  };
}

/** One table row of a planner test: a declared volume, what is found, and the plan expected. */
export interface PlanCase {
  readonly name: string;
  readonly volume: DesiredVolume;
  readonly observed?: VolumeObservation;
  readonly extra?: Omit<Parameters<typeof snapshotWith>[0], "desired" | "volumes">;
  readonly expected: readonly Record<string, unknown>[];
  readonly warnings?: readonly string[];
}

/** The plan of a case's one volume, observed as the case says. */
export function planOfCase(c: PlanCase): Plan {
  const desired = desiredState({ volumes: [c.volume] });
  const volumes = c.observed ? { [c.volume.id]: c.observed } : {};
  return plan(desired, snapshotWith({ desired, ...c.extra, volumes }));
}

/** Checks a case: the actions' kinds in order, each matching its expectation, and the warning codes. */
export function expectPlanCase(c: PlanCase): void {
  const result = planOfCase(c);
  expect(result.actions.map((a) => a.kind)).toEqual(c.expected.map((e) => e["kind"]));
  c.expected.forEach((e, i) => expect(result.actions[i]).toMatchObject(e));
  expect(result.warnings.map((w) => w.code)).toEqual(c.warnings ?? []);
}
