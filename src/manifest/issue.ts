// Validation issues: what is wrong in a manifest, where (a JSON pointer), and how to fix it.

/** One problem found in a manifest. Errors make it invalid; warnings do not. */
export interface Issue {
  severity: "error" | "warning";
  /** RFC 6901 JSON pointer such as "/volumes/web~1root/size"; "" for the whole document. */
  pointer: string;
  message: string;
  fix: string;
}

/** An error issue. */
export function error(pointer: string, message: string, fix: string): Issue {
  return { severity: "error", pointer, message, fix };
}

/** A warning issue. */
export function warning(pointer: string, message: string, fix: string): Issue {
  return { severity: "warning", pointer, message, fix };
}

function escapeSegment(segment: string | number): string {
  const text = String(segment);
  if (!text.includes("~") && !text.includes("/")) return text;
  return text.replaceAll("~", "~0").replaceAll("/", "~1");
}

/** A JSON pointer from unescaped path segments: pointer("volumes", "web/root") is "/volumes/web~1root". */
export function pointer(...segments: readonly (string | number)[]): string {
  let text = "";
  for (const segment of segments) text += "/" + escapeSegment(segment);
  return text;
}

/** The unescaped segments of a JSON pointer. */
export function pointerSegments(text: string): string[] {
  if (text === "") return [];
  return text
    .slice(1)
    .split("/")
    .map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

/** Issues without repeats (same severity, pointer and message), sorted by pointer, then errors first, then message. */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  const seen = new Set<string>();
  const unique = issues.filter((issue) => {
    const key = `${issue.severity}\0${issue.pointer}\0${issue.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      compareCodePoints(a.pointer, b.pointer) ||
      compareCodePoints(a.severity, b.severity) ||
      compareCodePoints(a.message, b.message),
  );
}

// A UTF-16 code unit shifted so that surrogates sort above U+E000-U+FFFF, as their code points do.
function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}

/** Code-point order of two strings (not locale order, not UTF-16 order), for stable sorting. */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** Where a pointer is, in words: `volume "web/root": size`, `artifact "kexec"`, `policy.reserve`, `the manifest`. */
export function describePointer(text: string): string {
  const [top, id, ...rest] = pointerSegments(text);
  if (top === undefined) return "the manifest";
  if ((top === "volumes" || top === "artifacts") && id !== undefined) {
    const owner = `${top === "volumes" ? "volume" : "artifact"} ${JSON.stringify(id)}`;
    return rest.length === 0 ? owner : `${owner}: ${rest.join(".")}`;
  }
  return [top, id, ...rest].filter((s) => s !== undefined).join(".");
}
