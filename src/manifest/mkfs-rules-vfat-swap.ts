// The mkfs.vfat (dosfstools 4.2) and mkswap (util-linux 2.38) options volplan passes on, from their manual pages.
import { allow, declaredElsewhere, refuse, type MkfsRules } from "./mkfs-rules.js";

const badBlockCheck = refuse(
  "none",
  "checks the image for bad blocks, which a freshly created file cannot have",
  "Remove it",
);

/** mkfs.fat, as its getopt_long reads it (short options "aAb:cCf:D:F:Ig:h:i:l:m:M:n:r:R:s:S:v"). */
export const VFAT_RULES: MkfsRules = {
  program: "mkfs.vfat",
  short: {
    a: allow("none"),
    A: allow("none"),
    b: allow("required"),
    D: allow("required"),
    f: allow("required"),
    F: allow("required"),
    g: allow("required"),
    h: allow("required"),
    i: allow("required"),
    I: allow("none"),
    M: allow("required"),
    r: allow("required"),
    R: allow("required"),
    s: allow("required"),
    S: allow("required"),
    v: allow("none"),
    c: badBlockCheck,
    C: refuse(
      "none",
      "creates the file it formats, which volplan has already created",
      "Remove -C",
    ),
    l: refuse("required", "reads a bad-blocks list from a host file", "Remove -l and its value"),
    m: refuse(
      "required",
      "copies a host file (or standard input) into the boot sector's message",
      "Remove -m and its value",
    ),
    n: declaredElsewhere("required", "label", "format.label"),
  },
  long: {
    codepage: allow("required"),
    invariant: allow("none"),
    mbr: allow("optional"),
    variant: allow("required"),
    offset: refuse(
      "required",
      "writes the filesystem at an offset into the image, where volplan and the guest do not look for it",
      "Remove --offset; partition the image from the guest if it needs a partition table",
    ),
    help: refuse("none", "creates no filesystem (it prints the usage)", "Remove --help"),
  },
};

const swapLabel = declaredElsewhere("required", "label", "format.label");
const swapUuid = declaredElsewhere("required", "UUID", "format.uuid");
const pagesize = allow("required");
const swapversion = allow("required");
const force = allow("none");
const quiet = allow("none");
const noSwapArea = refuse("none", "creates no swap area (it prints and exits)", "Remove it");
const swapOffset = refuse(
  "required",
  "writes the swap area at an offset into the image, where the guest does not look for it",
  "Remove it and its value",
);
const swapFile = refuse(
  "none",
  "creates or resizes the file it formats, which volplan has already created at the declared size",
  "Remove it",
);
const swapSize = refuse(
  "required",
  "sets the size of the swap area, which volplan takes from the volume's size",
  "Remove it and its value; set the volume's size instead",
);

/** mkswap, as its getopt_long reads it (short options "cfp:qL:v:U:e:o:s:FhV"). */
export const SWAP_RULES: MkfsRules = {
  program: "mkswap",
  short: {
    f: force,
    p: pagesize,
    q: quiet,
    v: swapversion,
    c: badBlockCheck,
    L: swapLabel,
    U: swapUuid,
    o: swapOffset,
    s: swapSize,
    F: swapFile,
    h: noSwapArea,
    V: noSwapArea,
  },
  long: {
    force,
    pagesize,
    quiet,
    swapversion,
    verbose: allow("none"),
    check: badBlockCheck,
    label: swapLabel,
    uuid: swapUuid,
    offset: swapOffset,
    size: swapSize,
    file: swapFile,
    help: noSwapArea,
    version: noSwapArea,
  },
};
