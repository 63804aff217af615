// The mkfs allow-lists against the installed tools: every option volplan passes on takes a value
// exactly when the tool's getopt says so (else its arguments would be read differently than
// validation read them), and arguments validation accepts really format an image.
import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FsType } from "../../src/manifest/desired.js";
import { parseManifestText } from "../../src/manifest/load.js";
import { BTRFS_RULES } from "../../src/manifest/mkfs-rules-btrfs.js";
import { EXT_RULES } from "../../src/manifest/mkfs-rules-ext.js";
import { SWAP_RULES, VFAT_RULES } from "../../src/manifest/mkfs-rules-vfat-swap.js";
import { XFS_RULES } from "../../src/manifest/mkfs-rules-xfs.js";
import type { MkfsRules, OptionRule } from "../../src/manifest/mkfs-rules.js";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";

const root = process.getuid?.() === 0;
if (!root && process.env.CI === "true") {
  throw new Error("mkfs-rules.real.test.ts runs mkfs as root; CI must not skip it");
}

const TOOLS: readonly (readonly [string, MkfsRules])[] = [
  ["mkfs.ext4", EXT_RULES],
  ["mkfs.xfs", XFS_RULES],
  ["mkfs.btrfs", BTRFS_RULES],
  ["mkfs.vfat", VFAT_RULES],
  ["mkswap", SWAP_RULES],
];

// The option alone, without a device: getopt complains when it needs a value, and the tool stops
// for want of a device before it could touch anything.
async function getoptSays(tool: string, option: string): Promise<"required" | "unknown" | "none"> {
  const run = await execa(tool, [option], {
    reject: false,
    all: true,
    timeout: 30_000,
    env: { LC_ALL: "C" },
  });
  const out = run.all ?? "";
  if (/requires an argument/.test(out)) return "required";
  if (/unrecognized option|invalid option|unknown option|unrecognised option/.test(out))
    return "unknown";
  return "none";
}

function options(rules: MkfsRules): [string, OptionRule][] {
  return [
    ...Object.entries(rules.short).map(([n, r]): [string, OptionRule] => [`-${n}`, r]),
    ...Object.entries(rules.long).map(([n, r]): [string, OptionRule] => [`--${n}`, r]),
  ];
}

const cases = TOOLS.flatMap(([tool, rules]) =>
  options(rules).map(([option, rule]) => ({ tool, option, rule })),
);

describe.skipIf(!root)("mkfs allow-lists against the installed tools", () => {
  it.each(cases)(
    "$tool $option takes a value exactly as the table says",
    async ({ tool, option, rule }) => {
      const said = await getoptSays(tool, option);
      if (rule.refused === undefined) expect(said).not.toBe("unknown");
      // A refused option the installed version does not know yet is refused all the same.
      if (said !== "unknown") expect(said).toBe(rule.arity === "required" ? "required" : "none");
    },
  );

  describe("accepted arguments format an image", () => {
    let dir = "";
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), "volplan-mkfs-rules-"));
    });
    afterAll(async () => {
      if (dir !== "") await rm(dir, { recursive: true, force: true });
    });

    it.each([
      [
        "ext4",
        64,
        [
          "-T",
          "small",
          "-N",
          "4096",
          "-J",
          "size=4",
          "-E",
          "root_owner=0:0,stride=4",
          "-O",
          "^metadata_csum",
          "-m",
          "1",
        ],
      ],
      ["ext2", 16, ["-b", "1024", "-i", "8192", "-e", "remount-ro", "-M", "/", "-o", "Linux"]],
      [
        "xfs",
        512,
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
      [
        "btrfs",
        256,
        ["--data", "single", "-m", "dup", "--csum=xxhash", "-O", "no-holes", "-n", "16384"],
      ],
      ["vfat", 64, ["-F", "32", "-s", "1", "--mbr=n", "--codepage=437", "-i", "1234abcd", "-a"]],
      ["swap", 64, ["-p", "4096", "--verbose"]],
    ] as [FsType, number, string[]][])("%s of %d MiB with %j", async (type, mib, args) => {
      const manifest = JSON.stringify({
        version: 1,
        volumes: { v: { path: "/srv/v.img", size: `${mib}MiB`, format: { type, mkfsArgs: args } } },
      });
      const result = parseManifestText(manifest, "m.json");
      expect(result.ok ? [] : result.issues).toEqual([]);
      const image = path.join(dir, `${type}.img`);
      await writeFile(image, "");
      await truncate(image, mib * 1024 * 1024);
      const command = mkfsCommand({
        type,
        label: null,
        uuid: null,
        mkfsArgs: args,
        path: image,
        size: mib * 1024 * 1024,
      });
      if (command === null) throw new Error(`no mkfs for ${type}`);
      await execa(command.file, command.args, { timeout: 120_000 });
      const probed = await execa("blkid", ["-p", "-o", "value", "-s", "TYPE", image], {
        timeout: 30_000,
      });
      expect(probed.stdout.trim()).toBe(type === "vfat" ? "vfat" : type);
    });
  });
});
