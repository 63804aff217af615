// Probes what each target host filesystem can do (sparse files, fallocate, reflink), once per
// filesystem per run, under the host lock, in probe files of its own beside the images.
import type { FileHandle } from "node:fs/promises";
import type { Runner } from "../host/runner.js";
import { isNotSupported } from "../host/runner.js";
import { tempPathFor } from "../host/temp-name.js";
import type { DesiredState, DesiredVolume } from "../manifest/desired.js";
import type { Capabilities, Snapshot } from "../plan/snapshot.js";
import { allocatedOf, createExclusive, descriptorPath, removeQuietly } from "./safe-fs.js";

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

// A probe file is named like an image's temp file, so a crash mid-probe leaves a file the next
// run reclaims; it is created O_EXCL|O_NOFOLLOW and used only through its descriptor, so whoever
// owns the image directory cannot steer a probe to another file by renaming.
async function withProbeFile<T>(
  sample: string,
  use: (handle: FileHandle) => Promise<T>,
): Promise<T> {
  const file = tempPathFor(sample);
  const handle = await createExclusive(file);
  try {
    return await use(handle);
  } finally {
    await handle.close().catch(() => undefined);
    await removeQuietly(file);
  }
}

async function probeSparse(sample: string): Promise<boolean> {
  return withProbeFile(sample, async (handle) => {
    await handle.truncate(1024 * 1024);
    return allocatedOf(await handle.stat()) < 1024 * 1024;
  });
}

async function probeFallocate(sample: string, runner: Runner): Promise<boolean | null> {
  return withProbeFile(sample, async (handle) => {
    try {
      await runner("fallocate", ["-l", "4096", descriptorPath(handle)], {
        timeoutMs: PROBE_TIMEOUT_MS,
      });
      return true;
    } catch (error) {
      return isNotSupported(error) ? false : null;
    }
  });
}

async function probeReflink(sample: string, runner: Runner): Promise<boolean> {
  return withProbeFile(sample, (source) =>
    withProbeFile(sample, async (copy) => {
      await source.write(Buffer.alloc(4096, 0x5a), 0, 4096, 0);
      return runner(
        "cp",
        ["--reflink=always", "--", descriptorPath(source), descriptorPath(copy)],
        { timeoutMs: PROBE_TIMEOUT_MS },
      ).then(
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
