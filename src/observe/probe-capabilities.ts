// Probes what each target host filesystem can do (sparse files, fallocate, reflink), once per filesystem per run.
import { randomBytes } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, truncate, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
// Type only: the caller (apply) passes its command runner in, so observe never imports apply code.
import type { Runner } from "../apply/runner.js";
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import type { Capabilities, Snapshot } from "../plan/snapshot.js";

/** Results per filesystem id, kept for the run so a filesystem is probed once. */
export type ProbeCache = Map<string, Capabilities>;

interface Needs {
  /** A volume path whose directory is on the filesystem and safe to write a probe file in. */
  readonly sample: string;
  fallocate: boolean;
  reflink: boolean;
}

// Probe only where apply will write: a volume to create or grow with preallocation needs the
// fallocate probe, a seed to copy needs the reflink probe; every target gets the sparse probe.
function needsOf(desired: DesiredState, snapshot: Snapshot): Map<string, Needs> {
  const needs = new Map<string, Needs>();
  for (const volume of desired.volumes) {
    const observed = snapshot.volumes[volume.id];
    if (volume.kind !== "image" || observed?.filesystem == null || observed.pathProblem !== null)
      continue;
    const entry = observed.entry;
    const writes = entry.type === "missing" || (entry.type === "file" && entry.size < volume.size);
    if (!writes) continue;
    const need = needs.get(observed.filesystem) ?? {
      sample: volume.path,
      fallocate: false,
      reflink: false,
    };
    need.fallocate ||= volume.allocation === "preallocate";
    need.reflink ||= wantsSeed(volume, entry.type);
    needs.set(observed.filesystem, need);
  }
  return needs;
}

function wantsSeed(volume: DesiredVolume, entryType: string): boolean {
  return volume.seed !== null && entryType === "missing";
}

const PROBE_TIMEOUT_MS = 60_000;

// Why a name like the volume's temp files (docs/architecture.md): a crash mid-probe leaves a
// file the next run reclaims. O_EXCL|O_NOFOLLOW: the probe never follows or clobbers anything.
async function withProbeFile<T>(sample: string, use: (file: string) => Promise<T>): Promise<T> {
  const name = `.${path.basename(sample)}.volplan-tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  const file = path.join(path.dirname(sample), name);
  const { O_CREAT, O_EXCL, O_NOFOLLOW, O_WRONLY } = constants;
  await (await open(file, O_CREAT | O_EXCL | O_NOFOLLOW | O_WRONLY, 0o600)).close();
  try {
    return await use(file);
  } finally {
    await unlink(file).catch(() => undefined);
  }
}

function notSupported(error: unknown): boolean {
  const stderr = (error as { stderr?: unknown } | null)?.stderr;
  return typeof stderr === "string" && /not supported/i.test(stderr);
}

async function probeSparse(sample: string): Promise<boolean> {
  return withProbeFile(sample, async (file) => {
    await truncate(file, 1024 * 1024);
    return (await lstat(file)).blocks * 512 < 1024 * 1024;
  });
}

async function probeFallocate(sample: string, runner: Runner): Promise<boolean | null> {
  return withProbeFile(sample, async (file) => {
    try {
      await runner("fallocate", ["-l", "4096", file], { timeoutMs: PROBE_TIMEOUT_MS });
      return true;
    } catch (error) {
      return notSupported(error) ? false : null;
    }
  });
}

async function probeReflink(sample: string, runner: Runner): Promise<boolean> {
  return withProbeFile(sample, (source) =>
    withProbeFile(sample, async (copy) => {
      await writeFile(source, Buffer.alloc(4096, 0x5a), { flag: "r+" });
      return runner("cp", ["--reflink=always", "--", source, copy], {
        timeoutMs: PROBE_TIMEOUT_MS,
      }).then(
        () => true,
        () => false,
      );
    }),
  );
}

async function probeOne(
  need: Needs,
  previous: Capabilities,
  runner: Runner,
): Promise<Capabilities> {
  return {
    sparse: previous.sparse ?? (await probeSparse(need.sample).catch(() => null)),
    fallocate:
      previous.fallocate ??
      (need.fallocate ? await probeFallocate(need.sample, runner).catch(() => null) : null),
    reflink:
      previous.reflink ??
      (need.reflink ? await probeReflink(need.sample, runner).catch(() => null) : null),
  };
}

/** The snapshot with capabilities filled in for every filesystem apply will write to; probes write only their own temp files. */
export async function probeCapabilities(input: {
  desired: DesiredState;
  snapshot: Snapshot;
  runner: Runner;
  cache?: ProbeCache;
}): Promise<Snapshot> {
  const { snapshot } = input;
  const cache = input.cache ?? new Map<string, Capabilities>();
  const runner = input.runner;
  const filesystems = { ...snapshot.filesystems };
  for (const [id, need] of needsOf(input.desired, snapshot)) {
    const observed = filesystems[id];
    if (observed === undefined) continue;
    const known = cache.get(id) ?? observed.capabilities;
    const capabilities = await probeOne(need, known, runner);
    cache.set(id, capabilities);
    filesystems[id] = { ...observed, capabilities };
  }
  return { ...snapshot, filesystems };
}
