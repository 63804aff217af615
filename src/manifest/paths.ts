// Absolute paths from a manifest: refused when relative or tricky, normalized before comparison.
import { error, type Issue } from "./issue.js";

// "//", "/./", a trailing "/." or a trailing "/" (other than the root itself).
const UNNORMALIZED = /\/\/|\/\.(?:\/|$)|.\/$/;

/** The path with "//" and "/./" collapsed and no trailing "/" (except for "/" itself). */
export function normalizePath(path: string): string {
  if (!UNNORMALIZED.test(path)) return path;
  const parts = path.split("/").filter((part) => part !== "" && part !== ".");
  return "/" + parts.join("/");
}

/** Whether `path` is `parent` or lies below it (both normalized). */
export function isSameOrInside(path: string, parent: string): boolean {
  return path === parent || path.startsWith(parent === "/" ? "/" : parent + "/");
}

/** Why a manifest path is unusable (relative, "..", NUL or newline), or null when it is a plain absolute path. */
export function pathProblem(path: string): { found: string; fix: string } | null {
  if (/[\0\n\r]/.test(path)) {
    return {
      found: "contains a NUL, newline or carriage-return character",
      fix: "Remove the control character from the path.",
    };
  }
  if (!path.startsWith("/")) {
    return {
      found: "is relative; volplan runs from any directory and needs an absolute path",
      fix: `Write the full path, starting with "/" (for example "/var/lib/microvms/${path.replace(/^\.?\/*/, "")}").`,
    };
  }
  if (/(?:^|\/)\.\.(?:\/|$)/.test(path)) {
    return {
      found: 'has a ".." component, which could point outside the intended directory',
      fix: 'Write the path without "..", as the directory it resolves to.',
    };
  }
  return null;
}

/** An error issue for an unusable absolute path in the manifest, or null. `what` names it: `volume "a": path`. */
export function checkAbsolutePath(input: {
  value: unknown;
  pointer: string;
  what: string;
}): Issue | null {
  if (typeof input.value !== "string" || input.value === "") return null;
  const problem = pathProblem(input.value);
  if (problem === null) return null;
  return error(
    input.pointer,
    `${input.what} ${JSON.stringify(input.value)} ${problem.found}.`,
    problem.fix,
  );
}
