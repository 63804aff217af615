/* eslint-disable */
// Generated from schema/apply.schema.json by scripts/generate.mjs (npm run generate). Do not edit.
/**
 * One step of the plan; `kind` says which.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "action".
 */
export type Action =
  | CreateAction
  | SeedAction
  | GrowImageAction
  | GrowFilesystemAction
  | AllocateAction
  | RepairFilesystemAction
  | SetOwnershipAction
  | RemoveTempAction
  | NoChangeAction
  | RefuseAction
  | ArtifactFetchAction
  | ArtifactOkAction
  | ArtifactRefuseAction;

/**
 * What `volplan apply --json` prints: the plan apply made and what happened to each of its actions (with --dry-run, the plan alone). Compatibility, as for the plan: within one format_version, later releases only add properties to any object and values to the enumerations of kinds and codes (action kinds, refusal, warning and error codes; statuses stay as they are); anything else comes with a new format_version. Consumers ignore properties they do not know. Objects are open (no additionalProperties: false), so properties a later release adds do not make its output invalid against this schema.
 */
export interface ApplyOutput {
  /**
   * Version of this JSON format: 1. It changes only with a change a consumer would have to know about; additions keep it.
   */
  format_version: 1;
  plan: Plan;
  /**
   * What happened to each action of the plan; null with --dry-run, which applies nothing.
   */
  report: ApplyReportOutput | null;
}
/**
 * The plan apply carried out (schema/plan.schema.json).
 */
export interface Plan {
  /**
   * Version of this JSON format: 1. It changes only with a change a consumer would have to know about (see the compatibility rule above); additions keep it.
   */
  format_version: 1;
  /**
   * False when some host filesystem cannot hold what the plan would write plus the reserve; then apply touches nothing.
   */
  feasible: boolean;
  summary: PlanSummary;
  /**
   * Actions sorted by volume or artifact id, then by step order.
   */
  actions: Action[];
  /**
   * Space budget of every host filesystem the plan touches, sorted by id.
   */
  filesystems: FilesystemBudget[];
  /**
   * Things worth a look that do not stop the plan.
   */
  warnings: PlanWarning[];
  /**
   * Hash of what was observed when the plan was made, recorded by `volplan plan --out`; `volplan apply PLAN_FILE` plans again from the embedded manifest and refuses unless the actions are identical.
   */
  fingerprint?: string;
  /**
   * The manifest the plan was made from, embedded by `volplan plan --out`; `volplan apply PLAN_FILE` plans again from it against the host as it is then, and applies only when the actions match these.
   */
  manifest?: {};
  /**
   * The `--only` selectors the plan was made with (absent: the whole manifest); `volplan apply PLAN_FILE` plans the same selection again.
   */
  only?: string[];
}
/**
 * How many actions of each sort the plan holds.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "summary".
 */
export interface PlanSummary {
  /**
   * Volumes to create (formatted or seeded).
   */
  create: number;
  /**
   * Volumes whose image or filesystem grows.
   */
  grow: number;
  /**
   * Other changes: ownership, mode, allocation, filesystem repairs, leftover temp files to reclaim.
   */
  change: number;
  /**
   * Volumes and artifacts already as declared.
   */
  unchanged: number;
  /**
   * Refusals: volumes or artifacts left alone until the manifest or host is fixed.
   */
  refused: number;
  /**
   * Artifacts to download.
   */
  fetch: number;
}
/**
 * Create a new image atomically: temp file, size, mkfs, owner and mode, fsync, rename without clobbering.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "createAction".
 */
export interface CreateAction {
  /**
   * Action kind.
   */
  kind: "create";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Image size in bytes.
   */
  size: number;
  /**
   * Allocation strategy actually used (after capability fallbacks).
   */
  allocation: "sparse" | "preallocate" | "zero";
  format: FormatSpec;
  ownership: Ownership;
  /**
   * Format of the image file (absent: raw). A qcow2 image is formatted in a sparse raw temp file, then converted with qemu-img convert (or made empty with qemu-img create for format none).
   */
  image_format?: "raw" | "qcow2";
  /**
   * Why the strategy differs from the declared one, if it does.
   */
  note?: string;
}
/**
 * Bytes an action will newly allocate on one host filesystem.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "consumption".
 */
export interface Consumption {
  /**
   * Id of the host filesystem (device number major:minor).
   */
  filesystem: string;
  /**
   * Bytes the action allocates there (an estimate for mkfs metadata).
   */
  bytes: number;
  /**
   * True when the action writes an amount not known in advance (an artifact without a declared size): bytes counts none of it, and the budget's needed leaves it out.
   */
  size_unknown?: boolean;
}
/**
 * The filesystem an action creates.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "formatSpec".
 */
export interface FormatSpec {
  /**
   * Filesystem type.
   */
  type: "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap" | "none";
  /**
   * Label, or null for none.
   */
  label: string | null;
  /**
   * UUID, or null to let mkfs choose.
   */
  uuid: string | null;
  /**
   * Extra mkfs arguments from the manifest.
   */
  mkfs_args: string[];
}
/**
 * Owner, group and permission bits, in numbers (what apply sets), with the names they have in the manifest or on the host where known (what people read).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "ownership".
 */
export interface Ownership {
  /**
   * Owner uid.
   */
  uid: number;
  /**
   * Group gid.
   */
  gid: number;
  /**
   * Permission bits as four octal digits, such as "0660".
   */
  mode: string;
  /**
   * The owner's name, when the manifest declares it by name or the host's passwd names the uid.
   */
  user?: string;
  /**
   * The group's name, when the manifest declares it by name or the host's group file names the gid.
   */
  group?: string;
}
/**
 * Create a new image atomically as a hole-preserving (reflink where possible) copy of a base image, grown to the declared size.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "seedAction".
 */
export interface SeedAction {
  /**
   * Action kind.
   */
  kind: "seed";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Image size in bytes after the copy.
   */
  size: number;
  /**
   * Base image path.
   */
  from: string;
  /**
   * Set this label on the copy: the declared format.label, when the seed's filesystem has another (absent: the seed's label is kept).
   */
  relabel?: {
    /**
     * The filesystem the seed holds (its superblock).
     */
    fs_type: "ext2" | "ext3" | "ext4" | "xfs" | "btrfs" | "vfat" | "swap";
    /**
     * The label to set.
     */
    label: string;
  };
  ownership: Ownership;
  /**
   * Format of the image file (absent: raw). A qcow2 copy is made with qemu-img convert.
   */
  image_format?: "raw" | "qcow2";
  /**
   * "copy" (absent: copy) or "backing": a thin qcow2 overlay whose backing file is `from` (qemu-img create -b FROM -F BACKING_FORMAT).
   */
  mode?: "copy" | "backing";
  /**
   * Format of the base image, read from its header; recorded in the overlay (mode backing) or read by the conversion (a qcow2 copy).
   */
  backing_format?: "raw" | "qcow2";
  /**
   * How the copy is made (reflink or sparse copy).
   */
  note?: string;
}
/**
 * Grow the image file (never shrinks).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "growImageAction".
 */
export interface GrowImageAction {
  /**
   * Action kind.
   */
  kind: "grow-image";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Current image size in bytes.
   */
  from: number;
  /**
   * New image size in bytes.
   */
  to: number;
  /**
   * How the new range is allocated.
   */
  allocation: "sparse" | "preallocate" | "zero";
  /**
   * Who grows the filesystem inside: the host (a grow-filesystem action follows), the guest, or nobody (raw image, swap).
   */
  filesystem_grown_by: "host" | "guest" | "none";
  /**
   * Format of the image file (absent: raw). A qcow2 image's virtual size is grown with qemu-img resize (never --shrink).
   */
  image_format?: "raw" | "qcow2";
}
/**
 * Grow the filesystem inside an image to fill it, offline (ext2/3/4: e2fsck then resize2fs) or through a private loop mount (xfs, btrfs).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "growFilesystemAction".
 */
export interface GrowFilesystemAction {
  /**
   * Action kind.
   */
  kind: "grow-filesystem";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Filesystem type.
   */
  fs_type: "ext2" | "ext3" | "ext4" | "xfs" | "btrfs";
  /**
   * Current filesystem size in bytes.
   */
  from: number;
  /**
   * Image size the filesystem grows to, in bytes.
   */
  to: number;
  /**
   * How it is grown.
   */
  method: "resize2fs" | "loop-mount";
  /**
   * How the image is allocated (absent: sparse). After growing, holes the tools punched into a preallocated or zero-filled image are allocated again.
   */
  allocation?: "sparse" | "preallocate" | "zero";
}
/**
 * Allocate the holes of an existing preallocated or zero-filled image (something punched them out); the data is never changed.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "allocateAction".
 */
export interface AllocateAction {
  /**
   * Action kind.
   */
  kind: "allocate";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Image size in bytes (unchanged).
   */
  size: number;
  /**
   * Bytes allocated now (st_blocks × 512).
   */
  allocated: number;
  /**
   * The declared allocation the image is brought back to.
   */
  allocation: "preallocate" | "zero";
}
/**
 * Check and repair the ext2/3/4 filesystem in an image with e2fsck before anything else touches it: after a volplan run was killed while it resized it, or when its superblock records errors.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "repairFilesystemAction".
 */
export interface RepairFilesystemAction {
  /**
   * Action kind.
   */
  kind: "repair-filesystem";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Filesystem type.
   */
  fs_type: "ext2" | "ext3" | "ext4";
  /**
   * interrupted: a volplan run was killed while it checked or resized this filesystem (its intent record is still there); errors: the superblock records errors.
   */
  cause: "interrupted" | "errors";
  /**
   * yes: e2fsck -f -y, repairing whatever an interrupted resize left; preen: e2fsck -f -p, only the repairs that are always safe (anything else fails and asks for a manual check).
   */
  mode: "yes" | "preen";
}
/**
 * Fix the owner, group or mode of an existing image in place.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "setOwnershipAction".
 */
export interface SetOwnershipAction {
  /**
   * Action kind.
   */
  kind: "set-ownership";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  from: Ownership;
  to: Ownership;
}
/**
 * Reclaim a temp file left by an interrupted volplan run (only files named by volplan, never an image).
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "removeTempAction".
 */
export interface RemoveTempAction {
  /**
   * Action kind.
   */
  kind: "remove-temp";
  /**
   * Volume id the temp file was for.
   */
  volume: string;
  /**
   * Temp file path.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Allocated bytes released.
   */
  frees: number;
}
/**
 * The volume already matches the manifest.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "noChangeAction".
 */
export interface NoChangeAction {
  /**
   * Action kind.
   */
  kind: "no-change";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * What was checked.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Image size in bytes.
   */
  size: number;
}
/**
 * volplan will not touch this volume until the manifest or the host is changed; `fix` says how.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "refuseAction".
 */
export interface RefuseAction {
  /**
   * Action kind.
   */
  kind: "refuse";
  /**
   * Volume id.
   */
  volume: string;
  /**
   * Image path.
   */
  path: string;
  /**
   * The whole message: object, what was found, what was declared, the fix.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Stable code of the refusal.
   */
  refusal:
    | "shrink"
    | "type-differs"
    | "label-differs"
    | "unformatted"
    | "device-too-small"
    | "device-missing"
    | "in-use"
    | "not-a-file"
    | "symlink"
    | "unsafe-parent"
    | "parent-missing"
    | "unknown-owner"
    | "seed-missing"
    | "seed-too-large"
    | "overcommit"
    | "filesystem-unreadable"
    | "hard-linked"
    | "seed-unusable"
    | "growth-limit"
    | "unsupported-filesystem"
    | "file-too-large"
    | "image-format-differs"
    | "image-unusable"
    | "backing-differs";
  /**
   * What is on the host.
   */
  found: string;
  /**
   * What the manifest declares.
   */
  declared: string;
  /**
   * The edit or command that resolves it.
   */
  fix: string;
}
/**
 * Download an artifact, verify its hash, and install it read-only in the content-addressed cache.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "artifactFetchAction".
 */
export interface ArtifactFetchAction {
  /**
   * Action kind.
   */
  kind: "artifact-fetch";
  /**
   * Artifact name.
   */
  artifact: string;
  /**
   * Cache path it will have.
   */
  path: string;
  /**
   * Why the action exists.
   */
  reason: string;
  consumes: Consumption;
  /**
   * URLs tried in order.
   */
  urls: string[];
  /**
   * Expected hash (SRI).
   */
  hash: string;
  /**
   * Expected size in bytes, if known.
   */
  size?: number | null;
  /**
   * Bytes already in a partial download that will be resumed.
   */
  resume_from?: number;
}
/**
 * The artifact is already cached and verified, or its store path exists.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "artifactOkAction".
 */
export interface ArtifactOkAction {
  /**
   * Action kind.
   */
  kind: "artifact-ok";
  /**
   * Artifact name.
   */
  artifact: string;
  /**
   * Local path of the artifact.
   */
  path: string;
  /**
   * What was checked.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Verified hash (SRI), or null for a store path without a pinned hash.
   */
  hash: string | null;
}
/**
 * The artifact cannot be provided until the manifest or host is changed.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "artifactRefuseAction".
 */
export interface ArtifactRefuseAction {
  /**
   * Action kind.
   */
  kind: "artifact-refuse";
  /**
   * Artifact name.
   */
  artifact: string;
  /**
   * Path concerned.
   */
  path: string;
  /**
   * The whole message.
   */
  reason: string;
  consumes: Consumption;
  /**
   * Stable code of the refusal.
   */
  refusal: "store-path-missing" | "hash-mismatch" | "unsafe-cache";
  /**
   * What is on the host.
   */
  found: string;
  /**
   * What the manifest declares.
   */
  declared: string;
  /**
   * How to resolve it.
   */
  fix: string;
}
/**
 * Space budget of one host filesystem.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "filesystemBudget".
 */
export interface FilesystemBudget {
  /**
   * Device number major:minor.
   */
  id: string;
  /**
   * Where it is mounted.
   */
  mount_point: string;
  /**
   * Filesystem type from mountinfo.
   */
  fs_type: string;
  /**
   * Size in bytes.
   */
  total: number;
  /**
   * Bytes available to root now.
   */
  free: number;
  /**
   * Bytes policy.reserve keeps free.
   */
  reserve: number;
  /**
   * Bytes the plan's temp-file reclaims release here first (present when any).
   */
  freed?: number;
  /**
   * Bytes the plan's actions allocate here.
   */
  needed: number;
  /**
   * free + freed - reserve - needed; negative when infeasible.
   */
  remaining: number;
  /**
   * Whether needed + reserve fits in free + freed.
   */
  feasible: boolean;
  /**
   * Bytes sparse volumes here could still allocate as guests write (declared size minus allocated).
   */
  sparse_declared: number;
  /**
   * Grade of sparse overcommit: none, warn (beyond remaining space), refuse (refused under policy).
   */
  overcommit: "none" | "warn" | "refuse";
  /**
   * Actions consuming space here, largest first.
   */
  consumers: {
    /**
     * Volume id or artifact name.
     */
    subject: string;
    /**
     * Action kind.
     */
    kind: string;
    /**
     * Bytes consumed.
     */
    bytes: number;
  }[];
}
/**
 * A warning attached to the plan.
 *
 * This interface was referenced by `Plan`'s JSON-Schema
 * via the `definition` "warning".
 */
export interface PlanWarning {
  /**
   * Stable code.
   */
  code:
    | "overcommit"
    | "allocation-fallback"
    | "growth-by-guest"
    | "filesystem-smaller-than-image"
    | "no-reflink"
    | "in-use"
    | "unknown-capability"
    | "volume-removed"
    | "orphaned-image"
    | "artifact-removed"
    | "allocation-drift"
    | "filesystem-errors"
    | "image-dirty";
  /**
   * Volume id, artifact name or filesystem id.
   */
  subject: string;
  /**
   * What to know and what to do.
   */
  message: string;
}
/**
 * What apply did.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "report".
 */
export interface ApplyReportOutput {
  /**
   * One result per action of the plan, in the plan's order: results[i] is what happened to plan.actions[i].
   */
  results: ActionResultOutput[];
  totals: ApplyTotals;
  /**
   * Wall-clock milliseconds from the first step to the last.
   */
  duration_ms: number;
}
/**
 * What happened to one action of the plan.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "result".
 */
export interface ActionResultOutput {
  /**
   * The action's kind, as in the plan.
   */
  kind: string;
  /**
   * Volume id or artifact name.
   */
  subject: string;
  /**
   * Image path, or the artifact's cache path or store path.
   */
  path: string;
  /**
   * done: carried out. failed: it failed (error says why); the rest of that volume's or artifact's steps are skipped. skipped: not attempted (error says why). refused: left alone, by the plan (refusal) or because apply found it unsafe to touch just then (error). unchanged: nothing to do.
   */
  status: "done" | "failed" | "skipped" | "refused" | "unchanged";
  /**
   * Milliseconds the step ran, 0 for a step that ran nothing. The time it waited for its turn on its filesystem or for one of the --jobs slots is not counted.
   */
  duration_ms: number;
  error?: ResultError;
  /**
   * For an action the plan refused: its refusal code (the plan's action has what was found, what was declared and the fix).
   */
  refusal?: string;
  /**
   * Something worth knowing about a step that was done (a fallback taken, how a copy was made).
   */
  note?: string;
}
/**
 * Why a step failed, was skipped, or was refused while applying.
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "error".
 */
export interface ResultError {
  /**
   * Stable error code, UPPER_SNAKE_CASE (NO_SPACE, IMAGE_IN_USE, PREVIOUS_STEP_FAILED, an errno such as EACCES, ...).
   */
  code: string;
  /**
   * What happened and what to do.
   */
  message: string;
}
/**
 * How many results have each status (results are steps: a volume may have several).
 *
 * This interface was referenced by `ApplyOutput`'s JSON-Schema
 * via the `definition` "totals".
 */
export interface ApplyTotals {
  done: number;
  failed: number;
  skipped: number;
  refused: number;
  unchanged: number;
}
