// The normalized manifest: what the rest of volplan works from once input has been validated.

/** Filesystem types volplan can create. */
export type FsType = "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap" | "none";

/** Filesystem types whose size can be read from an on-disk superblock. */
export type DetectedFsType = Exclude<FsType, "none">;

/** Format of an image file. */
export type ImageFormat = "raw" | "qcow2";

/** How a seed makes a volume: a copy of the base, or a qcow2 overlay backed by it. */
export type SeedMode = "copy" | "backing";

/** One volume with every default filled in and every size in bytes. */
export interface DesiredVolume {
  /** Stable id from the manifest's `volumes` map, such as "web/root". */
  readonly id: string;
  readonly kind: "image" | "block-device";
  /** Absolute, normalized path (no "..", no trailing slash). */
  readonly path: string;
  /** Declared size in bytes (a safe integer). */
  readonly size: number;
  /** Format of the image file: raw bytes, or qcow2 (made and grown with qemu-img). */
  readonly imageFormat: ImageFormat;
  readonly allocation: "sparse" | "preallocate" | "zero";
  readonly format: {
    readonly type: FsType;
    readonly label: string | null;
    readonly uuid: string | null;
    readonly mkfsArgs: readonly string[];
  };
  /** Absolute path of the base image and how it is used (a copy, or a qcow2 overlay's backing file), or null. */
  readonly seed: { readonly from: string; readonly mode: SeedMode } | null;
  /**
   * "auto" resolved: host for ext2/3/4, guest for xfs and btrfs, none for raw, swap and vfat; for
   * qcow2 images guest for every filesystem the guest can grow (volplan does not grow inside them).
   */
  readonly growFilesystem: "host" | "guest" | "none";
  /** User name or uid. */
  readonly owner: string | number;
  /** Group name or gid. */
  readonly group: string | number;
  /** Permission bits, such as 0o660. */
  readonly mode: number;
}

/** A sha256 pinned by the manifest, in both forms volplan uses. */
export interface Sha256 {
  /** 64 lower-case hex digits. */
  readonly hex: string;
  /** "sha256-<base64>". */
  readonly sri: string;
}

/** One artifact with its hash normalized. */
export interface DesiredArtifact {
  readonly name: string;
  readonly source:
    | { readonly kind: "urls"; readonly urls: readonly string[]; readonly fileName: string }
    | { readonly kind: "store-path"; readonly path: string };
  /** Required for urls; optional for a store path. */
  readonly hash: Sha256 | null;
  /** Expected size in bytes, or null when unknown. */
  readonly size: number | null;
}

/** How much free space each host filesystem must keep. */
export type Reserve =
  | { readonly kind: "percent"; readonly percent: number }
  | { readonly kind: "bytes"; readonly bytes: number };

/** A validated, normalized manifest. Volumes and artifacts are sorted by id. */
export interface DesiredState {
  readonly version: 1;
  readonly stateDir: string;
  readonly policy: {
    readonly reserve: Reserve;
    readonly overcommit: "warn" | "refuse" | "ignore";
  };
  readonly volumes: readonly DesiredVolume[];
  readonly artifacts: readonly DesiredArtifact[];
}
