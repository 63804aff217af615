// The command that sets a filesystem's label in an image that nothing has mounted.
import type { SeedAction } from "../plan/types.js";

/** A filesystem type whose label volplan can set. */
export type RelabelType = NonNullable<SeedAction["relabel"]>["fs_type"];

/** The program and arguments that label the filesystem in `image` (a path; the image is not mounted). */
export function relabelCommand(input: { fsType: RelabelType; image: string; label: string }): {
  file: string;
  args: string[];
} {
  const { image, label } = input;
  switch (input.fsType) {
    case "ext2":
    case "ext3":
    case "ext4":
      return { file: "e2label", args: [image, label] };
    case "xfs":
      return { file: "xfs_admin", args: ["-L", label, image] };
    case "btrfs":
      return { file: "btrfs", args: ["filesystem", "label", image, label] };
    case "vfat":
      return { file: "fatlabel", args: [image, label] };
    case "swap":
      return { file: "swaplabel", args: ["-L", label, image] };
  }
}
