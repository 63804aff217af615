// The lean mkfs command lines for fresh sparse images.
import { describe, expect, it } from "vitest";
import type { MkfsInput } from "../../src/plan/mkfs-args.js";
import { mkfsCommand } from "../../src/plan/mkfs-args.js";

const UUID = "0b7c3f1e-2d4a-4c5b-9e6f-1a2b3c4d5e6f";
const PATH = "/var/lib/microvms/.root.img.volplan-tmp-1-00000000";

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
        args: [
          "-F",
          "-q",
          "-E",
          "lazy_itable_init=1,lazy_journal_init=1,discard",
          "-L",
          "nixos",
          "-U",
          UUID,
          PATH,
        ],
      },
    },
    {
      name: "ext2 bare",
      in: input({ type: "ext2" }),
      out: {
        file: "mkfs.ext2",
        args: ["-F", "-q", "-E", "lazy_itable_init=1,lazy_journal_init=1,discard", PATH],
      },
    },
    {
      name: "ext3 with manifest arguments before the path",
      in: input({ type: "ext3", mkfsArgs: ["-i", "8192"] }),
      out: {
        file: "mkfs.ext3",
        args: [
          "-F",
          "-q",
          "-E",
          "lazy_itable_init=1,lazy_journal_init=1,discard",
          "-i",
          "8192",
          PATH,
        ],
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

  it("makes nothing for a raw image", () => {
    expect(mkfsCommand(input({ type: "none", label: "x" }))).toBeNull();
  });

  it("does not share its argument array between calls", () => {
    const a = mkfsCommand(input({}));
    a!.args.push("--mutated");
    expect(mkfsCommand(input({}))!.args).not.toContain("--mutated");
  });
});
