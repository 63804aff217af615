// The mkfs.btrfs options volplan passes on, read from mkfs.btrfs(8) of btrfs-progs 6.2.
import {
  allow,
  declaredElsewhere,
  refuse,
  type MkfsRules,
  type OptionRule,
  type Refusal,
} from "./mkfs-rules.js";

// -O and -R: feature names (no file names), "^" to clear; "list-all" prints them and creates nothing.
function checkFeatures(value: string): Refusal | null {
  for (const word of value.split(",")) {
    if (word === "list-all") {
      return {
        why: "creates no filesystem with list-all (it prints the features)",
        fix: "Remove list-all",
      };
    }
    if (!/^\^?[A-Za-z0-9_-]+$/.test(word)) {
      return {
        why: `has ${JSON.stringify(word)}, which is not a feature name`,
        fix: 'Write features as a comma-separated list such as "no-holes,^free-space-tree"',
      };
    }
  }
  return null;
}

const features = allow("required", checkFeatures);
const dataProfile = allow("required");
const metadataProfile = allow("required");
const mixed = allow("none");
const nodesize = allow("required");
const sectorsize = allow("required");
const checksum = allow("required");
const nodiscard = allow("none");
const force = allow("none");
const quiet = allow("none");
const verbose = allow("none");
const byteCount = refuse(
  "required",
  "makes the filesystem smaller than the image, which volplan sizes with the volume's size",
  "Remove it and its value; set the volume's size instead",
);
const rootdir = refuse(
  "required",
  "copies a host directory into the image, where the guest can read it",
  "Remove it and its value; fill the filesystem from the guest, or use seed.from",
);
const label = declaredElsewhere("required", "label", "format.label");
const uuid = declaredElsewhere("required", "UUID", "format.uuid");
const version = refuse("none", "creates no filesystem (it prints the version)", "Remove it");

// Options that only make sense with --rootdir, which is refused.
function withRootdir(arity: OptionRule["arity"]): OptionRule {
  return refuse(arity, "works on files copied with --rootdir, which volplan refuses", "Remove it");
}

/** mkfs.btrfs, as getopt_long reads it (short options "A:b:fl:n:s:m:d:L:R:O:r:U:VvMKqu:"). */
export const BTRFS_RULES: MkfsRules = {
  program: "mkfs.btrfs",
  short: {
    d: dataProfile,
    m: metadataProfile,
    M: mixed,
    n: nodesize,
    s: sectorsize,
    O: features,
    R: features,
    K: nodiscard,
    f: force,
    q: quiet,
    v: verbose,
    b: byteCount,
    r: rootdir,
    u: withRootdir("required"),
    L: label,
    U: uuid,
    V: version,
  },
  long: {
    data: dataProfile,
    metadata: metadataProfile,
    mixed,
    nodesize,
    sectorsize,
    csum: checksum,
    checksum,
    features,
    "runtime-features": features,
    nodiscard,
    force,
    quiet,
    verbose,
    "byte-count": byteCount,
    rootdir,
    subvol: withRootdir("required"),
    shrink: withRootdir("none"),
    label,
    uuid,
    version,
    help: refuse("none", "creates no filesystem (it prints the usage)", "Remove it"),
  },
};
