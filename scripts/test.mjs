// The whole test suite: format, lint, types, generated files, build, then vitest.
// Ends with one line "N passed, N failed, N skipped" so any CI reads the outcome.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

function step(name, command, args) {
  console.log(`\n== ${name}: ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${name} failed (exit ${result.status ?? result.signal})`);
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

const npx = "npx";
step("format", npx, ["prettier", "--check", "."]);
step("lint", npx, ["eslint", "."]);
step("types", npx, ["tsc", "--noEmit"]);
step("generated", "node", ["scripts/generate.mjs", "--check"]);
step("build", "node", ["scripts/build.mjs"]);

const dir = mkdtempSync(path.join(tmpdir(), "volplan-test-report-"));
const report = path.join(dir, "vitest.json");
const extra = process.argv.slice(2);
console.log(`\n== tests: vitest run ${extra.join(" ")}`);
const run = spawnSync(
  npx,
  [
    "vitest",
    "run",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${report}`,
    ...extra,
  ],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const json = JSON.parse(readFileSync(report, "utf8"));
  passed = json.numPassedTests;
  // A file that fails to load counts as a failed suite with no failed test in it.
  failed = json.numFailedTests || json.numFailedTestSuites;
  skipped = json.numPendingTests + json.numTodoTests;
} catch {
  failed = Math.max(failed, 1);
}
rmSync(dir, { recursive: true, force: true });
if (run.status !== 0 && failed === 0) failed = 1;
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
