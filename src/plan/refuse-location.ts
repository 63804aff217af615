// Refusals about where a volume lives: its path, the entry found there, its owner.
import type { VolumeContext } from "./context.js";
import { volumeBase } from "./context.js";
import type { ObservedEntry, PathProblem } from "./snapshot.js";
import { shellCommand } from "../text/shell-quote.js";
import type { RefuseAction } from "./types.js";

/** The parts of a refusal; the reason is assembled from them. */
export interface RefusalParts {
  readonly refusal: RefuseAction["refusal"];
  /** The whole statement after "volume ID: ", naming the path, what was found and what was declared. */
  readonly statement: string;
  readonly found: string;
  readonly declared: string;
  /** The edit or command that resolves it, as a sentence without the final period. */
  readonly fix: string;
}

/** A refuse action for the volume: "volume ID: STATEMENT. FIX." */
export function refuse(ctx: VolumeContext, parts: RefusalParts): RefuseAction {
  const fix = parts.fix.charAt(0).toUpperCase() + parts.fix.slice(1);
  return {
    kind: "refuse",
    ...volumeBase(ctx),
    reason: `volume ${ctx.volume.id}: ${parts.statement}. ${fix}.`,
    refusal: parts.refusal,
    found: parts.found,
    declared: parts.declared,
    fix: parts.fix,
  };
}

/** Refusal for an unsafe, symlinked, non-directory or missing parent of the volume's path. */
export function refusePathProblem(ctx: VolumeContext, problem: PathProblem): RefuseAction {
  const path = ctx.volume.path;
  const found = `${problem.at}: ${problem.detail}`;
  const declared = `a ${ctx.volume.kind === "image" ? "file" : "device"} at ${path}`;
  switch (problem.code) {
    case "parent-missing":
      return refuse(ctx, {
        refusal: "parent-missing",
        statement: `the directory ${problem.at} for ${path} does not exist (${problem.detail})`,
        found,
        declared,
        fix: `create ${problem.at} (for example with systemd.tmpfiles.rules), then run volplan again`,
      });
    case "symlinked-parent":
      return refuse(ctx, {
        refusal: "unsafe-parent",
        statement: `${problem.at}, a parent of ${path}, is a symlink (${problem.detail}); volplan never writes through symlinks`,
        found,
        declared,
        fix: `declare the path through the symlink's real target, or replace ${problem.at} with a real directory`,
      });
    case "unsafe-parent":
      return refuse(ctx, {
        refusal: "unsafe-parent",
        statement: `${problem.at}, a parent of ${path}, is unsafe (${problem.detail}): someone other than root could swap what volplan writes`,
        found,
        declared,
        fix: `make ${problem.at} owned by root and not writable by group or others (${shellCommand("chown", "root", problem.at)}; ${shellCommand("chmod", "go-w", problem.at)})`,
      });
    case "parent-not-directory":
      return refuse(ctx, {
        refusal: "unsafe-parent",
        statement: `${problem.at}, a parent of ${path}, is not a directory (${problem.detail})`,
        found,
        declared,
        fix: `move ${problem.at} away or declare a path in an existing directory`,
      });
  }
}

/** What an entry is, for messages: "a directory", "a regular file of 8 GiB". */
export function entryText(entry: ObservedEntry): string {
  switch (entry.type) {
    case "missing":
      return "nothing";
    case "file":
      return "a regular file";
    case "block-device":
      return "a block device";
    case "symlink":
      return `a symlink to ${entry.target}`;
    case "directory":
      return "a directory";
    case "other":
      return entry.detail;
  }
}

/** Refusal for a symlink at the volume's path. */
export function refuseSymlink(ctx: VolumeContext, target: string): RefuseAction {
  const what = ctx.volume.kind === "image" ? "an image file" : "a block device";
  return refuse(ctx, {
    refusal: "symlink",
    statement: `${ctx.volume.path} is a symlink to ${target}, but the manifest declares ${what} there; volplan never follows a symlink at a volume's path`,
    found: `a symlink to ${target}`,
    declared: what,
    fix: `declare the real path (${target}) as the volume's path, or remove the symlink yourself`,
  });
}

/** Refusal for something other than the declared kind of entry at the path. */
export function refuseNotAFile(ctx: VolumeContext, entry: ObservedEntry): RefuseAction {
  const what = ctx.volume.kind === "image" ? "an image file" : "a block device";
  const found = entryText(entry);
  return refuse(ctx, {
    refusal: "not-a-file",
    statement: `${ctx.volume.path} is ${found}, but the manifest declares ${what} there`,
    found,
    declared: what,
    fix:
      ctx.volume.kind === "image" && entry.type === "block-device"
        ? `set kind = "block-device" to use the device, or declare another path`
        : ctx.volume.kind === "block-device" && entry.type === "file"
          ? `set kind = "image" to manage the file, or declare the device's path`
          : `move ${ctx.volume.path} away yourself, or declare another path`,
  });
}

/** Refusal for an image with other names: growing or chowning it would change a file elsewhere too. */
export function refuseHardLinked(ctx: VolumeContext, nlink: number): RefuseAction {
  const path = ctx.volume.path;
  return refuse(ctx, {
    refusal: "hard-linked",
    statement: `${path} has ${nlink} hard links: a second name for the same file exists elsewhere, and volplan never resizes or chowns a file through one of its names, because that would change the other too`,
    found: `a regular file with ${nlink} links`,
    declared: `an image file at ${path} of its own`,
    fix: `remove the other link (find it with ${shellCommand("find", "/", "-xdev", "-samefile", path)}), or declare a different path for the volume`,
  });
}

/** Refusal for an owner or group name that the host does not know. */
export function refuseUnknownOwner(
  ctx: VolumeContext,
  what: "user" | "group",
  name: string,
): RefuseAction {
  const field = what === "user" ? "owner" : "group";
  const table = what === "user" ? "/etc/passwd" : "/etc/group";
  const nixos = what === "user" ? `users.users.${name}` : `users.groups.${name}`;
  return refuse(ctx, {
    refusal: "unknown-owner",
    statement: `the manifest declares ${field} "${name}" for ${ctx.volume.path}, but there is no ${what} "${name}" in ${table}`,
    found: `no ${what} "${name}"`,
    declared: `${field} = "${name}"`,
    fix: `create the ${what} (for example ${nixos}), or set ${field} to an existing ${what} or a number`,
  });
}
