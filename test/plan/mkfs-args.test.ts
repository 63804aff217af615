// The lean mkfs command lines for fresh sparse images.
import { describe, expect, it } from "vitest";
import type { MkfsInput } from "../../src/plan/mkfs-args.js";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";

const UUID = "0b7c3f1e-2d4a-4c5b-9e6f-1a2b3c4d5e6f";
const PATH = "/var/lib/microvms/.root.img.volplan-tmp-1-00000000";

// 1 GiB × 128 in KiB: the resize reserve cap (see src/plan/ext-options.ts).
const LEAN = "lazy_itable_init=1,lazy_journal_init=1,discard,resize=134217728K";

const input = (overrides: Partial<MkfsInput>): MkfsInput => ({
  type: "ext4",
  label: null,
  uuid: null,
  mkfsArgs: [],
  path: PATH,
  size: 1024 ** 3,
  ...overrides,
});

describe("mkfsCommand", () => {
  it.each([
    {
      name: "ext4 with label and uuid",
      in: input({ label: "nixos", uuid: UUID }),
      out: {
        file: "mkfs.ext4",
        args: ["-F", "-q", "-E", LEAN, "-L", "nixos", "-U", UUID, PATH],
      },
    },
    {
      name: "ext2 bare",
      in: input({ type: "ext2" }),
      out: {
        file: "mkfs.ext2",
        args: ["-F", "-q", "-E", LEAN, PATH],
      },
    },
    {
      name: "ext3 with manifest arguments before the path",
      in: input({ type: "ext3", mkfsArgs: ["-i", "8192"] }),
      out: {
        file: "mkfs.ext3",
        args: ["-F", "-q", "-E", LEAN, "-i", "8192", PATH],
      },
    },
    {
      name: "xfs takes its uuid through -m",
      in: input({ type: "xfs", label: "data", uuid: UUID }),
      out: { file: "mkfs.xfs", args: ["-f", "-q", "-K", "-L", "data", "-m", `uuid=${UUID}`, PATH] },
    },
    {
      name: "btrfs",
      in: input({ type: "btrfs", label: "data", uuid: UUID }),
      out: { file: "mkfs.btrfs", args: ["-f", "-q", "-K", "-L", "data", "-U", UUID, PATH] },
    },
    {
      name: "vfat has no uuid, only a label",
      in: input({ type: "vfat", label: "ESP", uuid: UUID }),
      out: { file: "mkfs.vfat", args: ["-n", "ESP", PATH] },
    },
    {
      name: "swap",
      in: input({ type: "swap", label: "swap", uuid: UUID }),
      out: { file: "mkswap", args: ["-L", "swap", "-U", UUID, PATH] },
    },
  ])("$name", ({ in: given, out }) => {
    expect(mkfsCommand(given)).toEqual(out);
  });

  it.each([
    {
      name: "a manifest's -E joins volplan's list instead of replacing it",
      args: ["-E", "stride=16,stripe_width=64"],
      extended: `${LEAN},stride=16,stripe_width=64`,
      rest: [],
    },
    {
      name: "the manifest wins on a key volplan also sets, in volplan's place",
      args: ["-Elazy_itable_init=0,nodiscard", "-O", "^has_journal"],
      extended: "lazy_itable_init=0,lazy_journal_init=1,nodiscard,resize=134217728K",
      rest: ["-O", "^has_journal"],
    },
    {
      name: "a manifest's own resize= replaces the cap; grouped flags are read like getopt",
      args: ["-qE", "resize=999999", "-m", "0", "-E", "root_owner=0:0"],
      extended: "lazy_itable_init=1,lazy_journal_init=1,discard,resize=999999,root_owner=0:0",
      rest: ["-q", "-m", "0"],
    },
    {
      name: "an option's value that looks like -E is not an -E",
      args: ["-L", "-E"],
      extended: LEAN,
      rest: ["-L", "-E"],
    },
  ])("ext: $name", ({ args, extended, rest }) => {
    const command = mkfsCommand(input({ mkfsArgs: args }));
    expect(command).toEqual({
      file: "mkfs.ext4",
      args: ["-F", "-q", "-E", extended, ...rest, PATH],
    });
  });

  it("caps the resize reserve at 128× the image size, and not past 16 TiB of growth", () => {
    const at = (size: number) => mkfsCommand(input({ size }))!.args[3];
    expect(at(10 * 1024 ** 3)).toBe(
      "lazy_itable_init=1,lazy_journal_init=1,discard,resize=1342177280K",
    );
    expect(at(200 * 1024 ** 3)).toBe("lazy_itable_init=1,lazy_journal_init=1,discard");
  });

  it.each(["preallocate", "zero"] as const)(
    "keeps the blocks of a %s image: nodiscard instead of discard",
    (allocation) => {
      const extended = mkfsCommand({ ...input({}), allocation })!.args[3];
      expect(extended).toBe(LEAN.replace("discard", "nodiscard"));
    },
  );

  it("passes a manifest's arguments unchanged to the other tools", () => {
    const command = mkfsCommand(input({ type: "xfs", mkfsArgs: ["-E", "x"] }));
    expect(command!.args).toEqual(["-f", "-q", "-K", "-E", "x", PATH]);
  });

  it("makes nothing for a raw image", () => {
    expect(mkfsCommand(input({ type: "none", label: "x" }))).toBeNull();
  });

  it("does not share its argument array between calls", () => {
    const a = mkfsCommand(input({}));
    a!.args.push("--mutated");
    expect(mkfsCommand(input({}))!.args).not.toContain("--mutated");
  });
});
