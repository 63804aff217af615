// The mkfs.xfs options volplan passes on, read from mkfs.xfs(8) of xfsprogs 6.1.
import {
  allow,
  declaredElsewhere,
  declaredRefusal,
  refuse,
  subOptions,
  type MkfsRules,
} from "./mkfs-rules.js";

const sizeFromImage = {
  why: "makes the filesystem smaller than the image, which volplan sizes with the volume's size",
  fix: "Remove size=; set the volume's size instead",
};

/** mkfs.xfs, as its getopt string "b:c:d:i:l:L:m:n:KNp:qr:s:CfV" reads it; sub-options as getsubopt splits them. */
export const XFS_RULES: MkfsRules = {
  program: "mkfs.xfs",
  short: {
    b: allow("required", subOptions({ option: "-b", allowed: ["size"] })),
    d: allow(
      "required",
      subOptions({
        option: "-d",
        allowed: [
          "agcount",
          "agsize",
          "cowextsize",
          "sunit",
          "su",
          "swidth",
          "sw",
          "noalign",
          "rtinherit",
          "projinherit",
          "extszinherit",
          "daxinherit",
        ],
        refused: {
          name: {
            why: "names another file or device to hold the data section, which mkfs.xfs would write",
            fix: "Remove name=; volplan gives mkfs.xfs the image itself",
          },
          file: {
            why: "marks the data section as a regular file named by name=, which volplan does not pass on",
            fix: "Remove file",
          },
          size: sizeFromImage,
        },
      }),
    ),
    i: allow(
      "required",
      subOptions({
        option: "-i",
        allowed: [
          "size",
          "perblock",
          "maxpct",
          "align",
          "attr",
          "projid32bit",
          "sparse",
          "nrext64",
        ],
      }),
    ),
    l: allow(
      "required",
      subOptions({
        option: "-l",
        allowed: ["agnum", "internal", "size", "version", "sunit", "su", "lazy-count"],
        refused: {
          logdev: {
            why: "puts the log on another device or file, which mkfs.xfs would overwrite",
            fix: "Remove logdev=; the log is then inside the image",
          },
        },
      }),
    ),
    m: allow(
      "required",
      subOptions({
        option: "-m",
        allowed: ["bigtime", "crc", "finobt", "inobtcount", "rmapbt", "reflink"],
        refused: { uuid: declaredRefusal("UUID", "format.uuid") },
      }),
    ),
    n: allow("required", subOptions({ option: "-n", allowed: ["size", "version", "ftype"] })),
    s: allow("required", subOptions({ option: "-s", allowed: ["size"] })),
    f: allow("none"),
    C: allow("none"),
    K: allow("none"),
    q: allow("none"),
    c: refuse(
      "required",
      "reads mkfs.xfs's options from a host file (options=)",
      "Remove -c and its value; write the options into mkfsArgs",
    ),
    L: declaredElsewhere("required", "label", "format.label"),
    N: refuse("none", "creates no filesystem (it only prints the parameters)", "Remove -N"),
    p: refuse(
      "required",
      "reads a prototype file that copies host files into the image, where the guest can read them",
      "Remove -p and its value; fill the filesystem from the guest, or use seed.from",
    ),
    r: refuse(
      "required",
      "sets up a realtime section, which lives on another device (rtdev=) that mkfs.xfs would write",
      "Remove -r and its value; volplan creates single-device filesystems",
    ),
    V: refuse("none", "creates no filesystem (it prints mkfs.xfs's version)", "Remove -V"),
  },
  long: {},
};
