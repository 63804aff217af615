// Runs every benchmark (bench/*.mjs except this file; helpers live in bench/lib) one after another.
// Run: npm run bench   (builds first), or node bench/run.mjs [--only NAME[,NAME]] after npm run build
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { only: { type: "string" } } });
const only = values.only?.split(",").map((name) => name.replace(/\.mjs$/, ""));
const scripts = readdirSync(here)
  .filter((name) => name.endsWith(".mjs") && name !== "run.mjs")
  .filter((name) => only === undefined || only.includes(name.replace(/\.mjs$/, "")))
  .sort();

const failed = [];
for (const script of scripts) {
  console.log(`\n=== bench/${script}`);
  const result = spawnSync(process.execPath, [path.join(here, script)], {
    stdio: "inherit",
    timeout: 30 * 60_000,
  });
  if (result.status !== 0) failed.push(`${script} (${result.status ?? result.signal})`);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exit(1);
}
console.log(`\n${scripts.length} benchmarks done`);
