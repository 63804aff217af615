// The lean mkfs command line for a freshly truncated (all-holes) image file.
import type { FsType } from "../manifest/desired.js";
import { mergeExtended, resizeCap, splitUserExtArgs } from "./ext-options.js";

/** What mkfsCommand needs to know about the filesystem to make. */
export interface MkfsInput {
  readonly type: FsType;
  readonly label: string | null;
  readonly uuid: string | null;
  readonly mkfsArgs: readonly string[];
  readonly path: string;
  /** Image size in bytes (the tools read it from the file; ext uses it to cap the resize reserve). */
  readonly size: number;
  /** How the file was allocated before mkfs runs (default sparse). */
  readonly allocation?: "sparse" | "preallocate" | "zero";
}

/** An external command as a program name and its argument array (never a shell string). */
export interface MkfsCommand {
  readonly file: string;
  readonly args: string[];
}

// Why these flags: a freshly truncated file already reads as zeros, so nothing needs zeroing.
// ext2/3/4: lazy_itable_init and lazy_journal_init skip writing zeroed inode tables and journal
// blocks (plain mkfs.ext4 on a sparse 100 GiB file writes ~0.5 GiB of journal zeros). "discard"
// is kept on purpose: on a regular file it punches holes (free on an all-hole file) and then
// mke2fs knows the inode tables read as zeros, so it marks them ITABLE_ZEROED and the guest's
// ext4lazyinit thread never writes them; ext2 and ext3 have no lazy inode tables at all, and
// this is the only way to skip the wipe (10 GiB ext2: 171 MB written with nodiscard, 3.4 MB
// with discard). But only for sparse files: on a preallocated or zero-filled file, discard would
// punch out the very blocks the allocation reserved (the image would end up sparse while the plan
// counted it as allocated), so there "nodiscard" is used and mke2fs writes its tables into blocks
// the file already owns. xfs and btrfs: -K skips a discard pass that gains nothing on a file.
// -f/-F: the temp file is ours and empty; without them the tools stop to ask.
// The resize= cap: see ext-options.ts. The manifest's own -E options join volplan's single -E
// list (mke2fs keeps only the last -E; a separate one would silently drop the lean options).
function extArgs(input: MkfsInput): string[] {
  const user = splitUserExtArgs(input.mkfsArgs);
  const discard = (input.allocation ?? "sparse") === "sparse" ? "discard" : "nodiscard";
  const lean = ["lazy_itable_init=1", "lazy_journal_init=1", discard];
  const cap = resizeCap(input.size);
  if (cap !== null) lean.push(`resize=${cap}`);
  const args = ["-F", "-q", "-E", mergeExtended(lean, user.extended)];
  if (input.label !== null) args.push("-L", input.label);
  if (input.uuid !== null) args.push("-U", input.uuid);
  return [...args, ...user.rest];
}

function xfsArgs(input: MkfsInput): string[] {
  const args = ["-f", "-q", "-K"];
  if (input.label !== null) args.push("-L", input.label);
  if (input.uuid !== null) args.push("-m", `uuid=${input.uuid}`);
  return args;
}

function btrfsArgs(input: MkfsInput): string[] {
  const args = ["-f", "-q", "-K"];
  if (input.label !== null) args.push("-L", input.label);
  if (input.uuid !== null) args.push("-U", input.uuid);
  return args;
}

// Why no uuid: FAT has a 32-bit volume id, not a UUID; mkfs.vfat picks one.
function vfatArgs(input: MkfsInput): string[] {
  return input.label === null ? [] : ["-n", input.label];
}

function swapArgs(input: MkfsInput): string[] {
  const args: string[] = [];
  if (input.label !== null) args.push("-L", input.label);
  if (input.uuid !== null) args.push("-U", input.uuid);
  return args;
}

function programAndArgs(input: MkfsInput): MkfsCommand | null {
  switch (input.type) {
    case "ext2":
    case "ext3":
    case "ext4":
      return { file: `mkfs.${input.type}`, args: extArgs(input) };
    case "xfs":
      return { file: "mkfs.xfs", args: xfsArgs(input) };
    case "btrfs":
      return { file: "mkfs.btrfs", args: btrfsArgs(input) };
    case "vfat":
      return { file: "mkfs.vfat", args: vfatArgs(input) };
    case "swap":
      return { file: "mkswap", args: swapArgs(input) };
    case "none":
      return null;
  }
}

/** The lean mkfs invocation for a fresh sparse file: our flags, then the manifest's mkfsArgs, then the path; null for "none". */
export function mkfsCommand(input: MkfsInput): MkfsCommand | null {
  const base = programAndArgs(input);
  if (base === null) return null;
  // Why "--" is not used: mkfs.vfat and mkswap do not accept it; the path is absolute, so it
  // cannot be mistaken for an option.
  // ext arguments already hold the manifest's (merged into volplan's -E list).
  const ext = input.type === "ext2" || input.type === "ext3" || input.type === "ext4";
  const extra = ext ? [] : input.mkfsArgs;
  return { file: base.file, args: [...base.args, ...extra, input.path] };
}
