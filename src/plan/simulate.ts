// The snapshot a fully successful apply of a plan would leave behind (pure; for tests and dry runs).
import type { DesiredState } from "../manifest/desired.js";
import type { FileEntry } from "./fresh-image.js";
import { freshFile } from "./fresh-image.js";
import type { ObservedEntry, ObservedFilesystem, ObservedVolume, Snapshot } from "./snapshot.js";
import type { Action, Plan } from "./types.js";

export { idealSnapshot } from "./ideal-snapshot.js";

interface Draft {
  volumes: Record<string, ObservedVolume>;
  filesystems: Record<string, ObservedFilesystem>;
  tempFiles: Snapshot["tempFiles"];
  artifacts: Record<string, Snapshot["artifacts"][string]>;
}

// The file at a volume's path, when there is one.
function fileOf(draft: Draft, id: string): FileEntry | null {
  const entry = draft.volumes[id]?.entry;
  return entry?.type === "file" ? entry : null;
}

function setEntry(draft: Draft, id: string, entry: ObservedEntry): void {
  const observed = draft.volumes[id];
  if (observed !== undefined) draft.volumes[id] = { ...observed, entry };
}

// Replaces volume `id`'s file entry with `change(file)`; nothing when it is not a file.
function updateFile(draft: Draft, id: string, change: (file: FileEntry) => FileEntry): void {
  const file = fileOf(draft, id);
  if (file !== null) setEntry(draft, id, change(file));
}

function adjustFree(draft: Draft, id: string, delta: number): void {
  const fs = draft.filesystems[id];
  if (fs !== undefined) draft.filesystems[id] = { ...fs, free: Math.max(0, fs.free + delta) };
}

// The effect of one action on the draft snapshot.
function applyAction(
  draft: Draft,
  input: { action: Action; desired: DesiredState; snapshot: Snapshot },
): void {
  const { action } = input;
  adjustFree(draft, action.consumes.filesystem, -action.consumes.bytes);
  const volume =
    "volume" in action ? input.desired.volumes.find((v) => v.id === action.volume) : undefined;
  switch (action.kind) {
    case "create":
      if (volume === undefined) return;
      setEntry(
        draft,
        action.volume,
        freshFile({
          volume,
          size: action.size,
          allocated: action.allocation === "sparse" ? action.consumes.bytes : action.size,
          ownership: action.ownership,
        }),
      );
      return;
    case "seed": {
      if (volume === undefined) return;
      // The copy holds the seed's filesystem at the size its superblock gives, relabelled when
      // the action says so; a grow-filesystem after the seed grows it.
      const seed = input.snapshot.seeds[action.from];
      const found = seed?.foundFilesystem ?? null;
      const file = freshFile({
        volume,
        size: action.size,
        allocated: seed?.allocated ?? 0,
        ownership: action.ownership,
        backingFormat: action.backing_format,
      });
      const filesystem =
        found === null || action.image_format === "qcow2"
          ? file.filesystem
          : {
              ...found,
              size: Math.min(found.size, action.size),
              label: action.relabel?.label ?? found.label,
            };
      setEntry(draft, action.volume, { ...file, filesystem });
      return;
    }
    case "grow-image":
      updateFile(draft, action.volume, (file) => ({
        ...file,
        size: action.to,
        allocated: file.allocated + action.consumes.bytes,
        ...(file.image?.format === "qcow2"
          ? { image: { ...file.image, virtualSize: action.to } }
          : {}),
      }));
      return;
    case "grow-filesystem":
      updateFile(draft, action.volume, (file) =>
        file.filesystem === null
          ? file
          : { ...file, filesystem: { ...file.filesystem, size: action.to } },
      );
      return;
    case "allocate":
      updateFile(draft, action.volume, (file) => ({ ...file, allocated: file.size }));
      return;
    case "repair-filesystem":
      updateFile(draft, action.volume, (file) => {
        const fs = file.filesystem;
        const repaired = { ...file, interrupted: false };
        return fs?.ext === undefined
          ? repaired
          : { ...repaired, filesystem: { ...fs, ext: { ...fs.ext, errors: false } } };
      });
      return;
    case "set-ownership":
      updateFile(draft, action.volume, (file) => ({
        ...file,
        uid: action.to.uid,
        gid: action.to.gid,
        mode: Number.parseInt(action.to.mode, 8),
      }));
      return;
    case "remove-temp":
      draft.tempFiles = draft.tempFiles.filter((t) => t.path !== action.path);
      adjustFree(draft, action.consumes.filesystem, action.frees);
      return;
    case "artifact-fetch":
      draft.artifacts[action.artifact] = {
        path: action.path,
        filesystem: action.consumes.filesystem === "" ? null : action.consumes.filesystem,
        state: "verified",
        actualHash: null,
        partialBytes: 0,
      };
      return;
    case "no-change":
    case "refuse":
    case "artifact-ok":
    case "artifact-refuse":
      return;
  }
}

/** The snapshot after every action of `plan` succeeded; refused volumes are left as they were. */
export function simulateApply(desired: DesiredState, snapshot: Snapshot, plan: Plan): Snapshot {
  const draft: Draft = {
    volumes: { ...snapshot.volumes },
    filesystems: { ...snapshot.filesystems },
    tempFiles: [...snapshot.tempFiles],
    artifacts: { ...snapshot.artifacts },
  };
  for (const action of plan.actions) applyAction(draft, { action, desired, snapshot });
  return { ...snapshot, ...draft };
}
