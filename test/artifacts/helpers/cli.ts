// Runs the CLI in-process with captured output, and bundles it for tests that need a real child process.
import { build } from "esbuild";
import path from "node:path";
import { runCli } from "../../../src/cli/run-cli.js";
import { tempDir } from "./temp.js";

/** Exit code and captured output of one CLI run. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `volplan ARGS` in this process. */
export async function cli(args: readonly string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv: args,
    stdout: { write: (text) => void (stdout += text) },
    stderr: { write: (text) => void (stderr += text) },
    env: {},
    cwd: process.cwd(),
    stdoutIsTTY: false,
    version: "test",
  });
  return { code, stdout, stderr };
}

/** Bundles src/cli/main.ts into a private temp file (never touches dist/). */
export async function bundleCli(): Promise<string> {
  const dir = await tempDir("volplan-cli-");
  const outfile = path.join(dir, "volplan.mjs");
  await build({
    entryPoints: [path.join(import.meta.dirname, "../../../src/cli/main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: "warning",
  });
  return outfile;
}
