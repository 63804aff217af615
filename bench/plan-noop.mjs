// No-op reconcile benchmark: `volplan plan` of 1,000 in-sync ext4 images against bare `node -e 0`
// start-up (target: at most 2×), and 10,000 images to show the per-volume cost stays flat.
// Run: npm run build && node bench/plan-noop.mjs [--rounds N] [--skip-10k]
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
  options: { rounds: { type: "string", default: "9" }, "skip-10k": { type: "boolean" } },
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
    const best = bestOfInterleaved({
      rounds: roundsHere,
      commands: {
        node: { file: process.execPath, args: ["-e", "0"] },
        plan: {
          file: process.execPath,
          args: [cli, "plan", "--manifest", manifest, "--detailed-exitcode"],
        },
      },
    });
    return { count, ...best, perVolume: (best.plan - best.node) / count };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`machine: ${machineDescription()}`);
console.log(`rounds: best of ${rounds}, interleaved with \`node -e 0\``);
const small = measure(1000, rounds);
console.log(
  `1,000 volumes: plan ${ms(small.plan)}, node -e 0 ${ms(small.node)}, ratio ${(small.plan / small.node).toFixed(2)}× (target ≤ 2×)`,
);
console.log(`  per volume beyond start-up: ${(small.perVolume * 1000).toFixed(1)} µs`);
if (!values["skip-10k"]) {
  const large = measure(10000, Math.max(3, Math.ceil(rounds / 3)));
  console.log(
    `10,000 volumes: plan ${ms(large.plan)}, node -e 0 ${ms(large.node)}, ratio ${(large.plan / large.node).toFixed(2)}×`,
  );
  console.log(`  per volume beyond start-up: ${(large.perVolume * 1000).toFixed(1)} µs`);
  console.log(
    `per-volume cost 10k / 1k: ${(large.perVolume / small.perVolume).toFixed(2)} (1.00 = linear)`,
  );
}
