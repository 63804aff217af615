// The manifest boundary: text or file in, DesiredState or every issue found out.
import type { Manifest } from "../generated/manifest-types.js";
import validateManifestSchema from "../generated/validate-manifest.js";
import { checkManifest } from "./check-manifest.js";
import type { DesiredState } from "./desired.js";
import { error, sortIssues, type Issue } from "./issue.js";
import { findJsonError, lineColumn } from "./json-error.js";
import { normalizeManifest } from "./normalize.js";
import { readManifestFile } from "./read-manifest-file.js";
import { schemaIssues } from "./schema-issues.js";

/** A loaded manifest with its normalized form and warnings, or every issue that makes it unusable. */
export type LoadResult =
  | { ok: true; desired: DesiredState; manifest: Manifest; warnings: Issue[] }
  | { ok: false; issues: Issue[] };

function parseJson(text: string, source: string): { data: unknown } | { issue: Issue } {
  try {
    return { data: JSON.parse(text) as unknown };
  } catch (cause) {
    // JSON.parse gives up on extreme nesting (RangeError) where the scanner finds nothing wrong.
    const problem = cause instanceof RangeError ? "nested too deeply to read" : String(cause);
    const found = findJsonError(text) ?? { offset: 0, problem };
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
  const issues = sortIssues([...fromSchema, ...semantic]);
  const errors = issues.filter((issue) => issue.severity === "error");
  if (!valid || errors.length > 0) return { ok: false, issues };
  const manifest = data as Manifest;
  return { ok: true, desired: normalizeManifest(manifest), manifest, warnings: issues };
}

/** Reads, validates and normalizes a manifest file. */
export async function loadManifestFile(path: string): Promise<LoadResult> {
  const read = await readManifestFile(path);
  if ("issue" in read) return { ok: false, issues: [read.issue] };
  return parseManifestText(read.text, path);
}
