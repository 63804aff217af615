/* eslint-disable */
// Generated from schema/manifest.schema.json by scripts/generate.mjs (npm run generate). Do not edit.
/**
 * Size the image must have (or the minimum size of a block device). Raising it grows the image and its filesystem; lowering it is refused, never applied.
 */
export type Size = number | string;
/**
 * Expected size of the artifact, if known: counted in the space budget and checked after download.
 */
export type Size1 = number | string;
/**
 * A size: integer bytes, or a string with an IEC (KiB, MiB, GiB, TiB) or SI (K/KB, M/MB, G/GB, T/TB, powers of 1000) unit, such as "20GiB" or "512M".
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "size".
 */
export type Size2 = number | string;

/**
 * What volplan should make true on one host: the disk-image volumes that virtual machines boot from and write to, and the boot artifacts kept in a verified cache.
 */
export interface Manifest {
  /**
   * Optional URL of this schema, for editors. Ignored by volplan.
   */
  $schema?: string;
  /**
   * Manifest format version. Must be 1.
   */
  version: 1;
  /**
   * Absolute directory where volplan keeps its lock, saved plans and the artifact cache. Defaults to /var/lib/volplan.
   */
  stateDir?: string;
  policy?: Policy;
  /**
   * Volumes keyed by a stable id such as "web/root". The id names the volume in plans and messages; renaming it is seen as removing one volume and adding another.
   */
  volumes?: {
    [k: string]: Volume | undefined;
  };
  /**
   * Boot artifacts (for example a kexec installer tarball) keyed by a short name such as "kexec", kept in a content-addressed cache under stateDir.
   */
  artifacts?: {
    [k: string]: Artifact | undefined;
  };
}
/**
 * Rules for space use across the whole plan.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "policy".
 */
export interface Policy {
  /**
   * Free space to leave untouched on every host filesystem a plan writes to: a percentage of the filesystem's size ("5%") or a size ("2GiB", bytes as an integer). Defaults to "5%".
   */
  reserve?: number | string;
  /**
   * What to do when the declared sizes of sparse volumes on one filesystem exceed its free space (they could fill it as guests write): "warn" (default), "refuse" the volumes that overcommit, or "ignore".
   */
  overcommit?: "warn" | "refuse" | "ignore";
}
/**
 * One disk image (or an existing block device) that a virtual machine uses.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "volume".
 */
export interface Volume {
  /**
   * "image" (default): a file volplan creates, grows and keeps in shape. "block-device": an existing device (zvol, LVM logical volume) that volplan only checks for existence and size; it never writes to it.
   */
  kind?: "image" | "block-device";
  /**
   * Absolute path of the image file or block device. No ".." components.
   */
  path: string;
  size: Size;
  /**
   * Format of the image file: "raw" (default; the file holds the bytes the guest sees) or "qcow2" (created, converted and grown with qemu-img). volplan does not read the filesystem inside a qcow2 image: it makes it at creation, and the guest grows it.
   */
  imageFormat?: "raw" | "qcow2";
  /**
   * How the image's space is taken at creation and growth: "sparse" (default; holes, space used as the guest writes), "preallocate" (reserved up front with fallocate, falling back to sparse with a warning where the filesystem cannot), or "zero" (zeros written out).
   */
  allocation?: "sparse" | "preallocate" | "zero";
  format?: Format;
  seed?: Seed;
  /**
   * Who grows the filesystem after the image grows: "auto" (default: the host for ext2/3/4 offline, the guest for xfs and btrfs), "host" (xfs and btrfs through a temporary private loop mount), or "guest" (only the file grows; the guest grows its filesystem, for example with x-systemd.growfs).
   */
  growFilesystem?: "auto" | "host" | "guest";
  /**
   * Owner of the image: a user name or a numeric uid. Defaults to root.
   */
  owner?: string | number;
  /**
   * Group of the image: a group name or a numeric gid. Defaults to root.
   */
  group?: string | number;
  /**
   * Permission bits of the image as an octal string such as "0660". Defaults to "0600".
   */
  mode?: string;
}
/**
 * The filesystem to create inside the image when volplan creates it. volplan never reformats an existing image.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "format".
 */
export interface Format {
  /**
   * Filesystem type; "none" leaves the image raw (for example a disk the guest partitions itself).
   */
  type: "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap" | "none";
  /**
   * Filesystem label. Limits: ext2/3/4 16 bytes, xfs 12, btrfs 255, vfat 11 (upper case), swap 16.
   */
  label?: string;
  /**
   * Filesystem UUID to set at creation (ext2/3/4, xfs, btrfs, swap). Existing images are not changed.
   */
  uuid?: string;
  /**
   * Extra arguments passed to mkfs at creation, after volplan's own (for example ["-O", "^has_journal"]). Never passed through a shell.
   *
   * @maxItems 64
   */
  mkfsArgs?: string[];
}
/**
 * Create the volume from a base image instead of formatting it: a copy (holes kept, reflinked where the filesystem can), or, for a qcow2 volume, a thin overlay whose backing file is the base.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "seed".
 */
export interface Seed {
  /**
   * Absolute path of the base image, for example a raw image in the Nix store.
   */
  from: string;
  /**
   * "copy" (default): the volume is a copy of the base image (for a qcow2 volume, converted to qcow2). "backing" (imageFormat "qcow2" only): a thin qcow2 overlay that reads the base image and stores only what the guest writes; the overlay records the base's path and format, so the base must stay where it is, unchanged.
   */
  mode?: "copy" | "backing";
}
/**
 * A boot artifact: downloaded from urls and pinned by hash, or an existing Nix store path used in place.
 *
 * This interface was referenced by `Manifest`'s JSON-Schema
 * via the `definition` "artifact".
 */
export interface Artifact {
  /**
   * Where to download the artifact from, tried in order (mirrors). https, http or file URLs.
   *
   * @minItems 1
   */
  urls?: [string, ...string[]];
  /**
   * The artifact's sha256: SRI ("sha256-<base64>"), "sha256:<hex or nix32>", or bare hex (64 chars) or nix32 (52 chars). Always printed as SRI.
   */
  hash?: string;
  /**
   * File name to keep in the cache; keep the suffix tools look at (nixos-anywhere picks its decompressor from ".tar.gz"). Defaults to the last component of the first URL.
   */
  fileName?: string;
  size?: Size1;
  /**
   * Absolute Nix store path of the artifact, used as it is (verified against hash if one is given, never copied). Mutually exclusive with urls.
   */
  path?: string;
}
