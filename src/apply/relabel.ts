// The command that sets a filesystem's label in an image that nothing has mounted.
import { VolplanError } from "../errors.js";
import type { SeedAction } from "../plan/types.js";

/** A filesystem type whose label volplan can set. */
export type RelabelType = NonNullable<SeedAction["relabel"]>["fs_type"];

/**
 * The program and arguments that label the filesystem in `image` (a path; the image is not
 * mounted). The label is data, never an option or a shell word: xfs through xfs_db itself
 * (xfs_admin is a sh script that evals its arguments), fatlabel after "--" (it would read "-V"
 * as an option), the others in a position their tools read literally.
 */
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
      // xfs_db splits its command at blanks, with no quoting: such a label cannot be set this way.
      if (/\s/.test(label)) {
        throw new VolplanError(
          "LABEL_UNSETTABLE",
          `the xfs label ${JSON.stringify(label)} holds a blank, which xfs_db cannot set on an existing filesystem; declare a label without blanks.`,
        );
      }
      return { file: "xfs_db", args: ["-x", "-p", "xfs_admin", "-c", `label ${label}`, image] };
    case "btrfs":
      return { file: "btrfs", args: ["filesystem", "label", image, label] };
    case "vfat":
      return { file: "fatlabel", args: ["--", image, label] };
    case "swap":
      return { file: "swaplabel", args: ["-L", label, image] };
  }
}
