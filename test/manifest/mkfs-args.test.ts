// format.mkfsArgs: options that shape the filesystem inside the image pass; anything that names
// another file or device, copies host files, or is not on the program's allow-list is refused
// with its pointer, what is wrong and the fix.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { parseManifestText } from "../../src/manifest/load.js";
import { mkfsArgProblems } from "../../src/manifest/read-mkfs-args.js";

function validate(type: FsType, mkfsArgs: unknown) {
  const text = JSON.stringify({
    version: 1,
    volumes: {
      "web/root": {
        path: "/var/lib/microvms/web/root.img",
        size: "1GiB",
        format: { type, mkfsArgs },
      },
    },
  });
  return parseManifestText(text, "m.json");
}

const accepted: [FsType, string[]][] = [
  ["ext4", ["-O", "^has_journal"]],
  ["ext3", ["-i", "8192"]],
  ["ext4", ["-qE", "resize=999999", "-m", "0", "-E", "root_owner=0:0"]],
  ["ext4", ["-Elazy_itable_init=0,nodiscard", "-O", "^has_journal,+metadata_csum", "-Fq"]],
  ["ext4", ["-T", "small", "-N", "100000", "-j", "-J", "size=64", "-b", "4096", "-I", "256"]],
  ["ext4", ["-O", "^journal_dev", "-e", "remount-ro", "-M", "/", "-o", "Linux"]],
  ["ext2", []],
  [
    "xfs",
    [
      "-m",
      "reflink=1,crc=1",
      "-d",
      "agcount=4",
      "-i",
      "size=512",
      "-n",
      "ftype=1",
      "-l",
      "size=64m,internal",
    ],
  ],
  ["xfs", ["-K", "-f", "-s", "size=4096", "-b", "size=4096"]],
  ["btrfs", ["-K"]],
  [
    "btrfs",
    ["--data", "single", "-m", "dup", "--csum=xxhash", "-O", "no-holes,^free-space-tree", "-M"],
  ],
  ["vfat", ["-F", "32", "-s", "8", "--mbr=n", "--codepage=437", "-i", "1234abcd", "-a"]],
  ["swap", ["-p", "4096", "--verbose", "-f"]],
  ["none", ["anything", "--rootdir=/etc"]],
];

interface Refused {
  readonly type: FsType;
  readonly args: string[];
  readonly at: number;
  readonly message: RegExp;
  readonly fix: RegExp;
}

const refused: Refused[] = [
  // Options that name other files or devices, or copy host files into the image.
  {
    type: "xfs",
    args: ["-l", "logdev=/dev/sdb,size=64m"],
    at: 1,
    message: /mkfs\.xfs -l logdev= puts the log on another device or file/,
    fix: /^Remove logdev=/,
  },
  {
    type: "xfs",
    args: ["-r", "rtdev=/dev/sdc"],
    at: 0,
    message: /mkfs\.xfs -r sets up a realtime section/,
    fix: /^Remove -r/,
  },
  {
    type: "xfs",
    args: ["-d", "name=/srv/other.img"],
    at: 1,
    message: /-d name= names another file or device/,
    fix: /^Remove name=/,
  },
  {
    type: "xfs",
    args: ["-d", "file,size=1g"],
    at: 1,
    message: /-d file marks the data section as a regular file/,
    fix: /^Remove file/,
  },
  {
    type: "xfs",
    args: ["-p", "/etc/proto"],
    at: 0,
    message: /-p reads a prototype file/,
    fix: /^Remove -p/,
  },
  {
    type: "xfs",
    args: ["-c", "options=/etc/x.conf"],
    at: 0,
    message: /-c reads mkfs\.xfs's options from a host file/,
    fix: /^Remove -c/,
  },
  {
    type: "ext4",
    args: ["-d", "/root"],
    at: 0,
    message: /mke2fs -d copies a host directory/,
    fix: /seed\.from/,
  },
  {
    type: "ext4",
    args: ["-d/root"],
    at: 0,
    message: /mke2fs -d copies a host directory/,
    fix: /^Remove -d/,
  },
  { type: "ext4", args: ["-qd", "/root"], at: 0, message: /mke2fs -d copies/, fix: /^Remove -d/ },
  {
    type: "ext4",
    args: ["-J", "device=/dev/sdb"],
    at: 1,
    message: /-J device= attaches the filesystem to a journal on another device/,
    fix: /^Remove device=/,
  },
  {
    type: "ext4",
    args: ["-J", "size=64,device=LABEL=j"],
    at: 1,
    message: /-J device=/,
    fix: /^Remove device=/,
  },
  {
    type: "ext4",
    args: ["-O", "journal_dev"],
    at: 1,
    message: /-O with journal_dev makes the image an external journal/,
    fix: /journal_dev/,
  },
  {
    type: "ext4",
    args: ["-O", "^has_journal +JOURNAL_DEV"],
    at: 1,
    message: /with journal_dev/,
    fix: /journal_dev/,
  },
  {
    type: "ext4",
    args: ["-O", "FEATURE_I3"],
    at: 1,
    message: /has the feature "FEATURE_I3"/,
    fix: /features of ext4\(5\)/,
  },
  {
    type: "ext4",
    args: ["-E", "root_owner=0:0,offset=4096"],
    at: 1,
    message: /-E offset= moves the filesystem/,
    fix: /^Remove offset=/,
  },
  {
    type: "ext4",
    args: ["-R", "offset=4096"],
    at: 0,
    message: /-R is the old spelling of -E/,
    fix: /-E/,
  },
  {
    type: "ext4",
    args: ["-l", "/etc/badblocks"],
    at: 0,
    message: /-l reads a bad-blocks list from a host file/,
    fix: /^Remove -l/,
  },
  {
    type: "ext4",
    args: ["-z", "/root/undo"],
    at: 0,
    message: /-z writes an undo file on the host/,
    fix: /^Remove -z/,
  },
  {
    type: "btrfs",
    args: ["--rootdir", "/etc"],
    at: 0,
    message: /--rootdir copies a host directory/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["--rootdir=/etc"],
    at: 0,
    message: /--rootdir copies/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["-r", "/etc"],
    at: 0,
    message: /-r copies a host directory/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["-Kr/etc"],
    at: 0,
    message: /-r copies a host directory/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["--root", "/etc"],
    at: 0,
    message: /--root is an abbreviation \(getopt would expand it to --rootdir\)/,
    fix: /full name/,
  },
  { type: "btrfs", args: ["--shrink"], at: 0, message: /--rootdir/, fix: /^Remove it/ },
  {
    type: "btrfs",
    args: ["-d", "raid1", "/dev/sdb"],
    at: 2,
    message: /would take this argument as the device to format/,
    fix: /^Remove it/,
  },
  { type: "btrfs", args: ["-O", "list-all"], at: 1, message: /list-all/, fix: /list-all/ },
  {
    type: "vfat",
    args: ["-m", "/etc/shadow"],
    at: 0,
    message: /-m copies a host file/,
    fix: /^Remove -m/,
  },
  {
    type: "vfat",
    args: ["-l", "/etc/bad"],
    at: 0,
    message: /-l reads a bad-blocks list/,
    fix: /^Remove -l/,
  },
  {
    type: "vfat",
    args: ["-C"],
    at: 0,
    message: /-C creates the file it formats/,
    fix: /^Remove -C/,
  },
  {
    type: "vfat",
    args: ["--offset=2048"],
    at: 0,
    message: /--offset writes the filesystem at an offset/,
    fix: /^Remove --offset/,
  },
  {
    type: "swap",
    args: ["--file"],
    at: 0,
    message: /mkswap --file creates or resizes the file/,
    fix: /^Remove it/,
  },
  {
    type: "swap",
    args: ["-s", "1G"],
    at: 0,
    message: /mkswap -s sets the size of the swap area/,
    fix: /size/,
  },
  // Positionals and "--": mkfs would take them as devices or sizes.
  {
    type: "ext4",
    args: ["/dev/sda"],
    at: 0,
    message: /mke2fs would take this argument as the device to format/,
    fix: /^Remove it/,
  },
  {
    type: "ext4",
    args: ["-m", "0", "--", "/dev/sda"],
    at: 2,
    message: /every argument after "--"/,
    fix: /^Remove "--"/,
  },
  {
    type: "swap",
    args: ["-"],
    at: 0,
    message: /would take this argument as the device/,
    fix: /^Remove it/,
  },
  // What the manifest declares elsewhere.
  {
    type: "ext4",
    args: ["-L", "other"],
    at: 0,
    message: /-L sets the label, which the manifest declares as format\.label/,
    fix: /format\.label/,
  },
  {
    type: "ext4",
    args: ["-t", "ext2"],
    at: 0,
    message: /-t sets the filesystem type/,
    fix: /format\.type/,
  },
  {
    type: "xfs",
    args: ["-m", "crc=1,uuid=0b7c3f1e-2d4a-4c5b-9e6f-1a2b3c4d5e6f"],
    at: 1,
    message: /-m uuid= sets the UUID/,
    fix: /format\.uuid/,
  },
  {
    type: "btrfs",
    args: ["--label=x"],
    at: 0,
    message: /--label sets the label/,
    fix: /format\.label/,
  },
  { type: "vfat", args: ["-n", "X"], at: 0, message: /-n sets the label/, fix: /format\.label/ },
  // Options that create nothing, unknown ones, and malformed ones.
  { type: "ext4", args: ["-n"], at: 0, message: /-n creates no filesystem/, fix: /^Remove -n/ },
  { type: "xfs", args: ["-N"], at: 0, message: /-N creates no filesystem/, fix: /^Remove -N/ },
  {
    type: "ext4",
    args: ["-X"],
    at: 0,
    message: /-X is not an option volplan passes to mke2fs/,
    fix: /-b -C -D/,
  },
  {
    type: "xfs",
    args: ["--help"],
    at: 0,
    message: /--help is not an option volplan passes to mkfs\.xfs/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["--constructor"],
    at: 0,
    message: /--constructor is not an option/,
    fix: /^Remove it/,
  },
  {
    type: "btrfs",
    args: ["--__proto__=x"],
    at: 0,
    message: /--__proto__ is not an option/,
    fix: /^Remove it/,
  },
  {
    type: "xfs",
    args: ["-l", "toString"],
    at: 1,
    message: /has the sub-option "toString"/,
    fix: /volplan passes -l/,
  },
  { type: "ext4", args: ["-T"], at: 0, message: /-T needs a value/, fix: /value/ },
  {
    type: "btrfs",
    args: ["--force=yes"],
    at: 0,
    message: /--force takes no value/,
    fix: /--force/,
  },
];

describe("format.mkfsArgs", () => {
  it.each(accepted)("%s %j is accepted", (type, args) => {
    const result = validate(type, args);
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it.each(refused)("$type $args is refused at index $at", ({ type, args, at, message, fix }) => {
    const result = validate(type, args);
    expect(result.ok).toBe(false);
    const issues = result.ok ? [] : result.issues;
    const issue = issues.find((i) => i.pointer === `/volumes/web~1root/format/mkfsArgs/${at}`);
    expect(issue?.severity).toBe("error");
    expect(issue?.message).toMatch(message);
    expect(issue?.message).toContain(
      `volume "web/root": mkfsArgs[${at}] ${JSON.stringify(args[at])}: `,
    );
    expect(issue?.fix).toMatch(fix);
    expect(issue?.fix).toMatch(/\.$/);
  });

  it("reports every refused option up to an unknown one, whose arity it cannot know", () => {
    const problems = mkfsArgProblems("ext4", ["-d", "/a", "-l", "/b", "-Y", "-z", "/c"]);
    expect(problems.map((p) => [p.index, p.option])).toEqual([
      [0, "-d"],
      [2, "-l"],
      [4, "-Y"],
    ]);
  });

  it("reads values the way getopt does: an option's value is never taken for an option", () => {
    // "-L" is -M's value here, and "-d" is -o's: neither is an option.
    expect(mkfsArgProblems("ext4", ["-M", "-L", "-o", "-d"])).toEqual([]);
    expect(mkfsArgProblems("ext4", ["-qE", "discard", "-F"])).toEqual([]);
    expect(mkfsArgProblems("ext4", ["-Fq", "/dev/sda"]).map((p) => p.index)).toEqual([1]);
  });

  it("reads any argument list without failing, and points only at its own arguments", () => {
    const types: FsType[] = ["ext2", "ext4", "xfs", "btrfs", "vfat", "swap"];
    const token = fc.oneof(
      fc.string(),
      fc.constantFrom("-", "--", "-E", "--rootdir", "-qE", "--mbr"),
    );
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.array(token, { maxLength: 8 }), (type, args) => {
        for (const problem of mkfsArgProblems(type, args)) {
          expect(problem.index).toBeGreaterThanOrEqual(0);
          expect(problem.index).toBeLessThan(args.length);
          expect(problem.refusal.why).not.toBe("");
        }
      }),
    );
  });
});
