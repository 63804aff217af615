// The manifest boundary: text or file in, DesiredState or every issue found out.
import type { Manifest } from "../generated/manifest-types.js";
import validateManifestSchema from "../generated/validate-manifest.js";
import { checkManifest } from "./check-manifest.js";
import type { DesiredState } from "./desired.js";
import { describePointer, error, pointerSegments, sortIssues, type Issue } from "./issue.js";
import { lineColumn, repeatsKeys, scanJson } from "./json-scan.js";
import { normalizeManifest } from "./normalize.js";
import { readManifestFile } from "./read-manifest-file.js";
import { schemaIssues } from "./schema-issues.js";

/** A loaded manifest with its normalized form and warnings, or every issue that makes it unusable. */
export type LoadResult =
  | { ok: true; desired: DesiredState; manifest: Manifest; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

// A key written twice in one object: JSON.parse keeps the last value and drops the first silently.
function duplicateKey(at: string): Issue {
  const key = pointerSegments(at).pop() ?? "";
  const parent = at.slice(0, at.lastIndexOf("/"));
  return error(
    at,
    `${describePointer(parent)} has the key ${JSON.stringify(key)} more than once; only the last one would count.`,
    `Keep one ${JSON.stringify(key)} entry: remove the other or give it its own name.`,
  );
}

function parseJson(text: string, source: string): { data: unknown } | { issue: Issue } {
  try {
    return { data: JSON.parse(text) as unknown };
  } catch (cause) {
    // JSON.parse gives up on extreme nesting (RangeError) where the scanner finds nothing wrong.
    const problem = cause instanceof RangeError ? "nested too deeply to read" : String(cause);
    const found = scanJson(text).error ?? { offset: 0, problem };
    const { line, column } = lineColumn(text, found.offset);
    return {
      issue: error(
        "",
        `${source}:${line}:${column}: not valid JSON: ${found.problem}.`,
        "Fix the JSON syntax at that position (the NixOS module writes valid JSON; check hand edits).",
      ),
    };
  }
}

/** Validates and normalizes manifest JSON text; `source` names it in messages (a path, or "<stdin>"). */
export function parseManifestText(text: string, source: string): LoadResult {
  const parsed = parseJson(text, source);
  if ("issue" in parsed) return { ok: false, issues: [parsed.issue] };
  const { data } = parsed;
  const valid = validateManifestSchema(data);
  const fromSchema = valid ? [] : schemaIssues(data, validateManifestSchema.errors ?? []);
  // Semantic checks run on every well-formed part; where the schema already complained, its issue stands alone.
  const schemaPointers = new Set(fromSchema.map((issue) => issue.pointer));
  const semantic = checkManifest(data).filter((issue) => !schemaPointers.has(issue.pointer));
  // JSON.parse keeps the last of two equal keys silently; the scanner finds every repeat.
  const duplicates = repeatsKeys(text, data) ? scanJson(text).duplicates.map(duplicateKey) : [];
  const issues = sortIssues([...duplicates, ...fromSchema, ...semantic]);
  const errors = issues.filter((issue) => issue.severity === "error");
  if (!valid || errors.length > 0 || duplicates.length > 0) return { ok: false, issues };
  const manifest = data as Manifest;
  return { ok: true, desired: normalizeManifest(manifest), manifest, warnings: issues };
}

/** Reads, validates and normalizes a manifest file. */
export async function loadManifestFile(path: string): Promise<LoadResult> {
  const read = await readManifestFile(path);
  if ("issue" in read) return { ok: false, issues: [read.issue] };
  return parseManifestText(read.text, path);
}
