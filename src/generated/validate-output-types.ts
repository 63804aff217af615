/* eslint-disable */
// Generated from schema/validate.schema.json by scripts/generate.mjs (npm run generate). Do not edit.
/**
 * What `volplan validate --json` prints: the issues of each manifest it checked. Compatibility, as for the plan: within one format_version, later releases only add properties to any object and values to the enumerations; anything else comes with a new format_version. Consumers ignore properties they do not know. Objects are open (no additionalProperties: false), so properties a later release adds do not make its output invalid against this schema.
 */
export interface ValidateOutput {
  /**
   * Version of this JSON format: 1. It changes only with a change a consumer would have to know about; additions keep it.
   */
  format_version: 1;
  /**
   * True when no file has an error (warnings allowed).
   */
  valid: boolean;
  /**
   * One entry per FILE, in the order given.
   */
  files: ValidatedFile[];
}
/**
 * The issues of one manifest file.
 *
 * This interface was referenced by `ValidateOutput`'s JSON-Schema
 * via the `definition` "file".
 */
export interface ValidatedFile {
  /**
   * The file as given on the command line.
   */
  file: string;
  /**
   * True when it has no error.
   */
  valid: boolean;
  /**
   * Errors and warnings, sorted by pointer.
   */
  issues: ValidationIssue[];
}
/**
 * One problem in a manifest.
 *
 * This interface was referenced by `ValidateOutput`'s JSON-Schema
 * via the `definition` "issue".
 */
export interface ValidationIssue {
  /**
   * error makes the manifest invalid; warning does not.
   */
  severity: "error" | "warning";
  /**
   * RFC 6901 JSON pointer to the value, such as /volumes/web~1root/size; empty for the whole document.
   */
  pointer: string;
  /**
   * What is wrong.
   */
  message: string;
  /**
   * How to fix it; empty when the message says it.
   */
  fix: string;
}
