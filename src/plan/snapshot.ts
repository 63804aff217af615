// What observe saw on the host: the planner's only view of the world (plain, serializable data).
import type { DetectedFsType } from "../manifest/desired.js";

/** An ext2/3/4 superblock's geometry (what bounds resize2fs) and whether it records errors. */
export interface ExtDetails {
  readonly blockSize: number;
  readonly blocksPerGroup: number;
  /** s_first_data_block: 1 with 1 KiB blocks, else 0. */
  readonly firstDataBlock: number;
  /** Bytes per group descriptor: 32, or s_desc_size with the 64bit feature. */
  readonly descriptorSize: number;
  /** The 64bit feature: block numbers beyond 2^32. */
  readonly blocks64: boolean;
  /** s_state has EXT2_ERROR_FS: the kernel found errors, or resize2fs was interrupted. */
  readonly errors: boolean;
}

/** A filesystem found inside an image or device by reading its superblock. */
export interface FoundFilesystem {
  readonly type: DetectedFsType;
  readonly label: string | null;
  readonly uuid: string | null;
  /** Bytes the filesystem spans (block count × block size; for swap, the usable pages plus header). */
  readonly size: number;
  /** ext2/3/4 only. */
  readonly ext?: ExtDetails;
}

/** What a qcow2 image's header records (read in-process from the file, never by qemu-img). */
export interface Qcow2Header {
  /** 2 (compat 0.10) or 3 (compat 1.1). */
  readonly version: number;
  /** Bytes the guest sees. */
  readonly virtualSize: number;
  readonly clusterSize: number;
  /** The backing file as recorded (the path exactly as written) and its format (null: none recorded). */
  readonly backing: { readonly file: string; readonly format: string | null } | null;
  /** Not closed cleanly while lazy refcounts were on; QEMU repairs it when it next opens it for writing. */
  readonly dirty: boolean;
  /** QEMU found its metadata corrupt and opens it read-only until it is repaired. */
  readonly corrupt: boolean;
  /** Why volplan leaves it alone (an external data file, encryption, unknown features), or null. */
  readonly unsupported: string | null;
}

/**
 * The format of a file declared a qcow2 image: "raw" when it has no qcow2 header, "unreadable"
 * when it has one volplan does not trust (out-of-bounds offsets, an unknown version).
 */
export type FoundImage =
  | { readonly format: "raw" }
  | ({ readonly format: "qcow2" } & Qcow2Header)
  | { readonly format: "unreadable"; readonly problem: string };

/** A process holding an image: a lock from /proc/locks or an open file descriptor. */
export interface Holder {
  readonly pid: number | null;
  /** Process name from /proc/PID/comm, when readable. */
  readonly command: string | null;
  readonly how: "ofd-lock" | "posix-lock" | "flock" | "open";
}

/** What sits at a volume's path. */
export type ObservedEntry =
  | { readonly type: "missing" }
  | {
      readonly type: "file";
      /** Bytes the guest sees: st_size of a raw image, the virtual size of a qcow2 image. */
      readonly size: number;
      /** st_blocks × 512. */
      readonly allocated: number;
      readonly uid: number;
      readonly gid: number;
      /** Permission bits only (mode & 0o7777). */
      readonly mode: number;
      readonly ino: number;
      /** st_nlink: more than 1 means the image has another name elsewhere (absent: 1). */
      readonly nlink?: number;
      readonly mtimeMs: number;
      /** null when no known superblock was found (and always for a volume declared qcow2: not inspected). */
      readonly filesystem: FoundFilesystem | null;
      /** The header of a volume declared qcow2; absent for raw volumes, whose contents are never read as qcow2. */
      readonly image?: FoundImage;
      /** Non-empty when the image is in use. */
      readonly holders: readonly Holder[];
      /** A volplan run was killed while it checked or resized this image's filesystem (its intent record remains). */
      readonly interrupted?: boolean;
    }
  | {
      readonly type: "block-device";
      readonly size: number;
      readonly filesystem: FoundFilesystem | null;
      readonly holders: readonly Holder[];
    }
  | { readonly type: "symlink"; readonly target: string }
  | { readonly type: "directory" }
  | { readonly type: "other"; readonly detail: string };

/** A reason volplan must not write at or under a path, found while walking its parents. */
export interface PathProblem {
  readonly code: "symlinked-parent" | "unsafe-parent" | "parent-missing" | "parent-not-directory";
  /** The offending directory. */
  readonly at: string;
  /** What was found there, for the message. */
  readonly detail: string;
}

/** One declared volume as found on the host. */
export interface ObservedVolume {
  readonly path: string;
  /** Id of the host filesystem holding the path (or its nearest existing parent); null if none. */
  readonly filesystem: string | null;
  readonly pathProblem: PathProblem | null;
  readonly entry: ObservedEntry;
}

/** What a capability probe found about a host filesystem; null means not probed. */
export interface Capabilities {
  readonly sparse: boolean | null;
  readonly reflink: boolean | null;
  readonly fallocate: boolean | null;
}

/** One host filesystem (statfs plus /proc/self/mountinfo). */
export interface ObservedFilesystem {
  /** Device number "major:minor". */
  readonly id: string;
  readonly mountPoint: string;
  /** Type from mountinfo, such as "ext4" or "tmpfs". */
  readonly type: string;
  readonly total: number;
  /** Bytes available (f_bavail × f_bsize; root sees f_bfree but volplan keeps the root reserve). */
  readonly free: number;
  readonly blockSize: number;
  readonly capabilities: Capabilities;
}

/** A temp file left by an interrupted volplan run beside a volume's path. */
export interface ObservedTempFile {
  readonly path: string;
  readonly volume: string;
  readonly filesystem: string | null;
  readonly size: number;
  readonly allocated: number;
  /** Inode number and link count: a temp name left between link() and unlink() is a second name of its image. */
  readonly ino?: number;
  readonly nlink?: number;
  /** True when a live volplan still holds it (its lock is taken): never reclaim then. */
  readonly live: boolean;
}

/** A seed (base) image as found on the host. */
export interface ObservedSeed {
  readonly path: string;
  /** A regular file is there (following a symlink); see `what` when something else is. */
  readonly exists: boolean;
  /** What is there instead of a regular file ("a directory", "a FIFO"...); absent when missing or a file. */
  readonly what?: string;
  readonly size: number;
  readonly allocated: number;
  readonly filesystem: string | null;
  /** The filesystem inside the seed, from its superblock (null: none known; absent: not read). */
  readonly foundFilesystem?: FoundFilesystem | null;
  /** The seed's format, read only for seeds of qcow2 volumes (raw, or a qcow2 image with its header). */
  readonly image?: FoundImage;
  /** The seed's real path when a symlink leads there from `path` (read only for seeds of qcow2 volumes). */
  readonly resolved?: string;
}

/** An artifact's state in the cache or the Nix store. */
export interface ObservedArtifact {
  /** Path in the cache (or the store path) it has or would have. */
  readonly path: string;
  /** Id of the filesystem the cache directory lives on. */
  readonly filesystem: string | null;
  /** "verified": index or store path hash matches; "present-unverified": exists, not known good. */
  readonly state: "missing" | "verified" | "present-unverified" | "mismatch";
  /** Hash found when state is "mismatch" (SRI). */
  readonly actualHash: string | null;
  /** Bytes of a partial download that can be resumed. */
  readonly partialBytes: number;
  /**
   * A store path hashed while observing (the index did not vouch for it): what apply records in
   * the cache index so the next run need not hash it again.
   */
  readonly hashed?: {
    readonly size: number;
    readonly mtimeMs: number;
    readonly ino: number;
    readonly hash: string;
  };
  /** Why the path cannot be used: a symlinked or foreign-owned cache path, or a store path that is not a regular file. */
  readonly problem?: {
    readonly code: "unsafe-cache" | "not-a-file";
    readonly detail: string;
  } | null;
}

/** An image volplan managed that no declared volume names any more (never deleted). */
export interface ObservedOrphan {
  readonly path: string;
  /** The volume id it had when volplan last managed it. */
  readonly volume: string;
  readonly size: number;
  readonly allocated: number;
}

/** Everything observed, keyed by volume id, filesystem id, seed path and artifact name. */
export interface Snapshot {
  readonly volumes: Readonly<Record<string, ObservedVolume>>;
  readonly filesystems: Readonly<Record<string, ObservedFilesystem>>;
  readonly tempFiles: readonly ObservedTempFile[];
  readonly seeds: Readonly<Record<string, ObservedSeed>>;
  readonly artifacts: Readonly<Record<string, ObservedArtifact>>;
  /** User and group names the manifest refers to, resolved from /etc/passwd and /etc/group. */
  readonly users: Readonly<Record<string, number>>;
  readonly groups: Readonly<Record<string, number>>;
  /** Managed images no longer declared (observed only for a whole manifest, not an --only part). */
  readonly orphans?: readonly ObservedOrphan[];
}
