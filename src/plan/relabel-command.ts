// The command that sets a filesystem's label in an image nothing has mounted: what apply runs on
// a seeded copy, and what a label refusal's fix suggests.
import type { FoundFilesystem } from "./snapshot.js";

/**
 * Why `label` cannot be set on an existing `type` filesystem by the command below, or null:
 * xfs_db splits its command at blanks, with no quoting.
 */
export function relabelProblem(type: FoundFilesystem["type"], label: string): string | null {
  return type === "xfs" && /\s/.test(label)
    ? "xfs_db, the one tool that sets an xfs label without a shell, cannot set one holding a blank"
    : null;
}

/**
 * The program and arguments that label the filesystem in `image`. The label is data, never an
 * option or a shell word: xfs through xfs_db itself (xfs_admin is a sh script that evals its
 * arguments), fatlabel after "--" (it would read "-V" as an option), the others in a position
 * their tools read literally.
 */
export function relabelCommand(
  type: FoundFilesystem["type"],
  image: string,
  label: string,
): { file: string; args: string[] } {
  switch (type) {
    case "ext2":
    case "ext3":
    case "ext4":
      return { file: "e2label", args: [image, label] };
    case "xfs":
      return { file: "xfs_db", args: ["-x", "-p", "xfs_admin", "-c", `label ${label}`, image] };
    case "btrfs":
      return { file: "btrfs", args: ["filesystem", "label", image, label] };
    case "vfat":
      return { file: "fatlabel", args: ["--", image, label] };
    case "swap":
      return { file: "swaplabel", args: ["-L", label, image] };
  }
}
