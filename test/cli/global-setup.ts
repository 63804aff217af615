// Builds dist/ once per test run (scripts/build.mjs); CLI tests run dist/volplan.cjs, as users do.
// A failed build does not abort the run (other suites still run): CLI tests fail with its output instead.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    volplanBuildError: string;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Runs `node scripts/build.mjs` and hands its outcome to the CLI tests. */
export default async function setup(project: TestProject): Promise<void> {
  const result = await execa(process.execPath, ["scripts/build.mjs"], {
    cwd: root,
    reject: false,
    timeout: 120_000,
    all: true,
  });
  project.provide("volplanBuildError", result.exitCode === 0 ? "" : `build failed:\n${result.all}`);
}
