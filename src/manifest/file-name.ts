// Artifact file names in the cache: one safe path component, by default the last one of the first URL.

/** Why a name cannot be a file name in the cache, or null when it is safe. */
export function fileNameProblem(name: string): string | null {
  if (name === "") return "is empty";
  if (name === "." || name === "..") return `is ${JSON.stringify(name)}`;
  if (/[/\\]/.test(name)) return 'contains "/" or "\\"';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return "contains a control character";
  if (name.startsWith("."))
    return 'starts with "." (hidden, and the cache keeps its temp files there)';
  if (new TextEncoder().encode(name).length > 255) return "is longer than 255 bytes";
  return null;
}

/** The last path component of a URL, percent-decoded; "" when there is none; null when it cannot be decoded or parsed. */
export function lastUrlComponent(url: string): string | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return null;
  }
  const last = pathname.slice(pathname.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return null;
  }
}
