// Turns a valid manifest into DesiredState: defaults filled, sizes in bytes, hashes normalized, sorted by id.
import type { Manifest } from "../generated/manifest-types.js";
import { parseSize } from "../units/size.js";
import { DEFAULT_STATE_DIR } from "./check-volumes.js";
import type { DesiredArtifact, DesiredState, DesiredVolume, FsType, Reserve } from "./desired.js";
import { readReserve } from "./reserve.js";
import { lastUrlComponent } from "./file-name.js";
import { byKey } from "./guards.js";
import { parseSha256 } from "./hash.js";
import { normalizePath } from "./paths.js";

type ManifestVolume = NonNullable<NonNullable<Manifest["volumes"]>[string]>;
type ManifestArtifact = NonNullable<NonNullable<Manifest["artifacts"]>[string]>;

// Who grows each filesystem type under growFilesystem "auto".
const GROW_AUTO: Readonly<Record<FsType, DesiredVolume["growFilesystem"]>> = {
  ext2: "host",
  ext3: "host",
  ext4: "host",
  xfs: "guest",
  btrfs: "guest",
  vfat: "none",
  swap: "none",
  none: "none",
};

/** Who grows a filesystem of `type` under growFilesystem "auto": the host for ext2/3/4, the guest for xfs and btrfs, nobody otherwise. */
export function autoGrower(type: FsType): DesiredVolume["growFilesystem"] {
  return GROW_AUTO[type];
}

// Sizes were checked before normalizing; a null here is a bug in the checks.
function bytes(size: number | string): number {
  const parsed = parseSize(size);
  if (parsed === null) throw new Error(`unchecked size ${JSON.stringify(size)}`);
  return parsed;
}

// Reserves were checked before normalizing; a problem here is a bug in the checks.
function reserve(value: number | string | undefined): Reserve {
  const read = readReserve(value ?? "5%");
  if ("problem" in read) throw new Error(`unchecked reserve ${JSON.stringify(value)}`);
  return read;
}

// Who grows a filesystem when the manifest leaves it to volplan: never the host inside a qcow2
// image (volplan does not read or resize what is inside one), so the guest does what it can grow.
function grower(input: { v: ManifestVolume; type: FsType }): DesiredVolume["growFilesystem"] {
  const { v, type } = input;
  if ((v.kind ?? "image") === "block-device") return "none";
  const grow = v.growFilesystem ?? "auto";
  if (grow !== "auto") return grow;
  const auto = GROW_AUTO[type];
  return v.imageFormat === "qcow2" && auto === "host" ? "guest" : auto;
}

function volume(id: string, v: ManifestVolume): DesiredVolume {
  const kind = v.kind ?? "image";
  const type = v.format?.type ?? "none";
  return {
    id,
    kind,
    path: normalizePath(v.path),
    size: bytes(v.size),
    imageFormat: v.imageFormat ?? "raw",
    allocation: v.allocation ?? "sparse",
    format: {
      type,
      label: v.format?.label ?? null,
      uuid: v.format?.uuid?.toLowerCase() ?? null,
      mkfsArgs: [...(v.format?.mkfsArgs ?? [])],
    },
    seed:
      v.seed === undefined
        ? null
        : { from: normalizePath(v.seed.from), mode: v.seed.mode ?? "copy" },
    growFilesystem: grower({ v, type }),
    owner: v.owner ?? 0,
    group: v.group ?? 0,
    mode: v.mode === undefined ? 0o600 : parseInt(v.mode, 8),
  };
}

function artifact(name: string, a: ManifestArtifact): DesiredArtifact {
  const hash = a.hash === undefined ? null : parseSha256(a.hash);
  const size = a.size === undefined ? null : bytes(a.size);
  if (a.urls !== undefined) {
    const fileName = a.fileName ?? lastUrlComponent(a.urls[0]) ?? "";
    return { name, source: { kind: "urls", urls: [...a.urls], fileName }, hash, size };
  }
  return { name, source: { kind: "store-path", path: normalizePath(a.path ?? "") }, hash, size };
}

function sortedById<T>(record: Readonly<Record<string, T | undefined>> | undefined): [string, T][] {
  return Object.entries(record ?? {})
    .filter((entry): entry is [string, T] => entry[1] !== undefined)
    .sort(byKey);
}

/** The DesiredState of a manifest that passed the schema and the semantic checks. */
export function normalizeManifest(manifest: Manifest): DesiredState {
  return {
    version: 1,
    stateDir: normalizePath(manifest.stateDir ?? DEFAULT_STATE_DIR),
    policy: {
      reserve: reserve(manifest.policy?.reserve),
      overcommit: manifest.policy?.overcommit ?? "warn",
    },
    // Pairs indexed, not destructured: cold code pays the iterator protocol per destructuring.
    volumes: sortedById(manifest.volumes).map((entry) => volume(entry[0], entry[1])),
    artifacts: sortedById(manifest.artifacts).map((entry) => artifact(entry[0], entry[1])),
  };
}
