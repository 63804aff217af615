// The mke2fs options (mkfs.ext2/3/4) volplan passes on, read from mke2fs(8) and ext4(5) of e2fsprogs 1.47.
import {
  allow,
  declaredElsewhere,
  refuse,
  subOptions,
  type MkfsRules,
  type Refusal,
} from "./mkfs-rules.js";

// -E: everything mke2fs(8) documents except offset=.
const EXTENDED = subOptions({
  option: "-E",
  allowed: [
    "mmp_update_interval",
    "stride",
    "stripe_width",
    "stripe-width",
    "resize",
    "lazy_itable_init",
    "lazy_journal_init",
    "assume_storage_prezeroed",
    "no_copy_xattrs",
    "num_backup_sb",
    "packed_meta_blocks",
    "root_owner",
    "test_fs",
    "orphan_file_size",
    "discard",
    "nodiscard",
    "quotatype",
    "encoding",
    "encoding_flags",
  ],
  refused: {
    offset: {
      why: "moves the filesystem away from the start of the image (and past its end), where volplan, the guest and the space budget expect it",
      fix: "Remove offset=; partition the image from the guest if it needs a partition table",
    },
  },
});

// -J: an internal journal only.
const JOURNAL = subOptions({
  option: "-J",
  allowed: ["size", "fast_commit_size", "location"],
  refused: {
    device: {
      why: "attaches the filesystem to a journal on another device, which mke2fs would open and write",
      fix: "Remove device=; the journal is then inside the image",
    },
  },
});

// Feature names mke2fs accepts from ext4(5), without journal_dev; mke2fs compares them ignoring
// case, and also takes generic names ("FEATURE_I3" is journal_dev), which are not listed.
const FEATURES = new Set([
  "64bit",
  "bigalloc",
  "casefold",
  "dir_index",
  "dir_nlink",
  "ea_inode",
  "encrypt",
  "ext_attr",
  "extent",
  "extents",
  "extra_isize",
  "fast_commit",
  "filetype",
  "flex_bg",
  "has_journal",
  "huge_file",
  "inline_data",
  "large_dir",
  "large_file",
  "metadata_csum",
  "metadata_csum_seed",
  "meta_bg",
  "mmp",
  "orphan_file",
  "project",
  "quota",
  "resize_inode",
  "sparse_super",
  "sparse_super2",
  "stable_inodes",
  "uninit_bg",
  "verity",
]);

// -O: words separated by commas or blanks, each "none", "clear", or a feature with an optional
// "^" or "-" (clear) or "+" (set) prefix, as e2p_edit_feature2 reads them.
function checkFeatures(value: string): Refusal | null {
  for (const word of value.split(/[ \t\n\v\f\r,]+/)) {
    const name = word.replace(/^[-^+]/, "").toLowerCase();
    if (name === "" || name === "none" || name === "clear" || FEATURES.has(name)) continue;
    if (name === "journal_dev" && /^[-^]/.test(word)) continue;
    if (name === "journal_dev") {
      return {
        why: "with journal_dev makes the image an external journal for another filesystem instead of a filesystem",
        fix: "Remove journal_dev from -O",
      };
    }
    return {
      why: `has the feature ${JSON.stringify(word)}, which volplan does not pass on`,
      fix: `Remove it; volplan passes the features of ext4(5): ${[...FEATURES].join(", ")}`,
    };
  }
  return null;
}

const noFilesystem = "creates no filesystem";

/** mke2fs, as its getopt string "b:cd:e:g:i:jl:m:no:qr:s:t:vC:DE:FG:I:J:KL:M:N:O:R:ST:U:Vz:" reads it. */
export const EXT_RULES: MkfsRules = {
  program: "mke2fs",
  short: {
    b: allow("required"),
    C: allow("required"),
    D: allow("none"),
    e: allow("required"),
    E: allow("required", EXTENDED),
    F: allow("none"),
    g: allow("required"),
    G: allow("required"),
    i: allow("required"),
    I: allow("required"),
    j: allow("none"),
    J: allow("required", JOURNAL),
    K: allow("none"),
    m: allow("required"),
    M: allow("required"),
    N: allow("required"),
    o: allow("required"),
    O: allow("required", checkFeatures),
    q: allow("none"),
    r: allow("required"),
    T: allow("required"),
    v: allow("none"),
    c: refuse(
      "none",
      "runs badblocks over the image, which a freshly created file cannot have",
      "Remove -c",
    ),
    d: refuse(
      "required",
      "copies a host directory or tarball into the image, where the guest can read it",
      "Remove -d and its value; fill the filesystem from the guest, or create the volume from a base image with seed.from",
    ),
    l: refuse("required", "reads a bad-blocks list from a host file", "Remove -l and its value"),
    L: declaredElsewhere("required", "label", "format.label"),
    n: refuse("none", `${noFilesystem} (it only prints what mke2fs would do)`, "Remove -n"),
    R: refuse("required", "is the old spelling of -E", "Write -E instead of -R"),
    s: refuse(
      "required",
      "is an option of old mke2fs versions",
      "Use -O sparse_super or -O ^sparse_super",
    ),
    S: refuse(
      "none",
      "writes only superblocks and group descriptors (a recovery tool)",
      "Remove -S",
    ),
    t: declaredElsewhere("required", "filesystem type", "format.type"),
    U: declaredElsewhere("required", "UUID", "format.uuid"),
    V: refuse("none", `${noFilesystem} (it prints mke2fs's version)`, "Remove -V"),
    z: refuse(
      "required",
      "writes an undo file on the host",
      "Remove -z and its value; the image is new, there is nothing to undo",
    ),
  },
  long: {},
};
