// No-op reconcile benchmark: `volplan plan` of 1,000 in-sync ext4 images against bare `node -e 0`
// start-up (target: at most 2×), and 10,000 images to show the per-volume cost stays flat.
// Run: npm run build && node bench/plan-noop.mjs [--rounds N] [--skip-10k] [--compare OTHER.mjs]
// --compare times another build's `plan` (say, one built from an earlier commit) in the same rounds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { makeExt4Images } from "./lib/images.mjs";
import { machineDescription } from "./lib/machine.mjs";
import { bestOfInterleaved, ms } from "./lib/timing.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "volplan.mjs");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    "skip-10k": { type: "boolean" },
    compare: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const SIZE = 2 * 1024 * 1024;

if (!existsSync(cli)) {
  console.error("dist/volplan.mjs is missing: run `npm run build` first");
  process.exit(1);
}

function writeManifest(dir, paths) {
  const volumes = Object.fromEntries(
    paths.map((p, i) => [
      `vm${String(i).padStart(5, "0")}/root`,
      {
        path: p,
        size: SIZE,
        format: { type: "ext4" },
        owner: process.getuid(),
        group: process.getgid(),
        mode: "0600",
      },
    ]),
  );
  const file = path.join(dir, "manifest.json");
  writeFileSync(file, JSON.stringify({ version: 1, stateDir: path.join(dir, "state"), volumes }));
  return file;
}

function measure(count, roundsHere) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `volplan-bench-noop-${count}-`));
  try {
    const manifest = writeManifest(dir, makeExt4Images({ dir, count, size: SIZE }));
    // The images were just written: flush them first, so the kernel's writeback of thousands
    // of fresh files does not run during the timed rounds (a boot-time run sees a settled tree).
    execFileSync("sync");
    const node = (args, expectStatus = 0) => ({ file: process.execPath, args, expectStatus });
    const best = bestOfInterleaved({
      rounds: roundsHere,
      commands: {
        node: node(["-e", "0"]),
        // The CLI's own start-up (loading the bundle) and manifest loading, to attribute the cost.
        version: node([cli, "--version"]),
        validate: node([cli, "validate", manifest]),
        plan: node([cli, "plan", "--manifest", manifest, "--detailed-exitcode"]),
        ...(values.compare === undefined
          ? {}
          : {
              compare: node([
                values.compare,
                "plan",
                "--manifest",
                manifest,
                "--detailed-exitcode",
              ]),
            }),
      },
    });
    return { count, ...best, perVolume: (best.plan - best.version) / count };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(label, r) {
  const ratio = (value) => `${(value / r.node).toFixed(2)}×`;
  console.log(`${label}: plan ${ms(r.plan)} = ${ratio(r.plan)} of node -e 0 (${ms(r.node)})`);
  console.log(
    `  volplan --version ${ms(r.version)} (${ratio(r.version)}), validate ${ms(r.validate)} (${ratio(r.validate)})`,
  );
  console.log(`  per volume beyond volplan's start-up: ${(r.perVolume * 1000).toFixed(1)} µs`);
  if (r.compare !== undefined) {
    console.log(
      `  compared build (${values.compare}): plan ${ms(r.compare)} (${ratio(r.compare)})`,
    );
  }
}

console.log(`machine: ${machineDescription()}`);
console.log(`rounds: best of ${rounds}, interleaved with \`node -e 0\``);
const small = measure(1000, rounds);
report("1,000 volumes", small);
console.log(`  ratio ${(small.plan / small.node).toFixed(2)}× (target ≤ 2×)`);
if (!values["skip-10k"]) {
  const large = measure(10000, Math.max(3, Math.ceil(rounds / 3)));
  report("10,000 volumes", large);
  const marginal = (large.plan - small.plan) / 9000;
  console.log(
    `per-volume cost 10k / 1k: ${(large.perVolume / small.perVolume).toFixed(2)} (1.00 = linear); marginal cost from 1k to 10k: ${(marginal * 1000).toFixed(1)} µs per volume`,
  );
}
