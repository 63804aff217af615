// Runs `volplan apply` of a manifest written into a bench's work directory, timed.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { timeCommand } from "./timing.mjs";

/** The bundle the benchmarks run, as users do. */
export const cli = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../dist/volplan.cjs",
);

/** Exits with a hint when `file` (default the bundle) has not been built. */
export function requireBuild(file = cli) {
  if (existsSync(file)) return;
  console.error(`${path.relative(process.cwd(), file)} is missing: run \`npm run build\` first`);
  process.exit(1);
}

/** Volume fields that make the current user the owner, so no benchmark needs root. */
export function ownedByMe() {
  return { owner: process.getuid(), group: process.getgid() };
}

/** Writes {version 1, stateDir under `work`, policy, volumes} and times `volplan apply` of it. */
export function timeApply({ work, volumes, policy }) {
  const manifest = path.join(work, "manifest.json");
  const stateDir = path.join(work, "state");
  writeFileSync(manifest, JSON.stringify({ version: 1, stateDir, policy, volumes }));
  return timeCommand({ file: process.execPath, args: [cli, "apply", "--manifest", manifest] });
}
