// Types for scripts/generate.mjs, so tests can compare generated files with the committed ones.

/** Every generated file: path relative to the repository root → content. */
export function generateAll(): Promise<Record<string, string>>;
