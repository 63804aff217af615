// No-op reconcile benchmark: `volplan plan` of 1,000 in-sync ext4 images against bare `node -e 0`
// start-up (target: at most 3×) and against a floor doing the same reads, and 10,000 images for the per-volume cost, set beside a floor
// program that only opens, fstats, reads 4 KiB of and closes each image (lib/read-heads.mjs).
// NODE_EXTRA_CA_CERTS is unset for every command: it adds a fixed cost to every Node start.
// Run: npm run build && node bench/plan-noop.mjs [--rounds N] [--skip-10k] [--compare OTHER]
//   [--profile] [--dir DIR]  (DIR: where the images go, default the temp directory)
// --compare times another build's entry (say, one built from an earlier commit) in the same rounds;
// --profile also runs each plan 5 times under --cpu-prof and prints where its time went, by stage
// and by module.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { byStage, selfTimeByModule } from "./lib/cpu-profile.mjs";
import { makeExt4Images } from "./lib/images.mjs";
import { machineDescription } from "./lib/machine.mjs";
import { bestOfInterleaved, ms } from "./lib/timing.mjs";
import { requireBuild } from "./lib/volplan-apply.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "volplan.cjs");
const floorProgram = path.join(root, "bench", "lib", "read-heads.mjs");
const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "15" },
    "skip-10k": { type: "boolean" },
    compare: { type: "string" },
    profile: { type: "boolean" },
    dir: { type: "string", default: os.tmpdir() },
  },
});
const rounds = Number(values.rounds);
const SIZE = 2 * 1024 * 1024;
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

requireBuild(cli);

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
  const dir = mkdtempSync(path.join(values.dir, `volplan-bench-noop-${count}-`));
  try {
    const manifest = writeManifest(dir, makeExt4Images({ dir, count, size: SIZE }));
    // The images were just written: flush them first, so the kernel's writeback of thousands
    // of fresh files does not run during the timed rounds (a boot-time run sees a settled tree).
    execFileSync("sync");
    const node = (args) => ({ file: process.execPath, args, env });
    const plan = (entry) => node([entry, "plan", "--manifest", manifest, "--detailed-exitcode"]);
    const best = bestOfInterleaved({
      rounds: roundsHere,
      commands: {
        node: node(["-e", "0"]),
        floor: node([floorProgram, manifest]),
        // First of volplan's runs: on a Node with a compile cache, the first run of a build
        // makes the cache, which then holds the code that run compiled.
        plan: plan(cli),
        ...(values.compare === undefined ? {} : { compare: plan(values.compare) }),
        // The CLI's own start-up (loading the bundle) and manifest loading, to attribute the cost.
        version: node([cli, "--version"]),
        validate: node([cli, "validate", manifest]),
      },
    });
    const profile = values.profile ? profilePlan(dir, manifest) : null;
    return {
      count,
      ...best,
      perVolume: (best.plan - best.version) / count,
      floorPerVolume: (best.floor - best.node) / count,
      profile,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Plans under the CPU profiler (100 µs samples): self time by source module, averaged over runs.
function profilePlan(dir, manifest, runs = 5) {
  const profiles = path.join(dir, "profile");
  const args = ["--cpu-prof", "--cpu-prof-interval", "100", "--cpu-prof-dir", profiles];
  for (let run = 0; run < runs; run++) {
    const result = spawnSync(process.execPath, [...args, cli, "plan", "--manifest", manifest], {
      env,
      stdio: "ignore",
    });
    if (result.status !== 0) throw new Error(`profiled plan exited with ${result.status}`);
  }
  const files = readdirSync(profiles).map((name) => path.join(profiles, name));
  return selfTimeByModule(files, path.join(path.dirname(cli), "main.cjs"));
}

function report(label, r) {
  const ratio = (value) => `${(value / r.node).toFixed(2)}×`;
  const us = (value) => `${(value * 1000).toFixed(1)} µs`;
  console.log(`${label}: plan ${ms(r.plan)} = ${ratio(r.plan)} of node -e 0 (${ms(r.node)})`);
  console.log(
    `  volplan --version ${ms(r.version)} (${ratio(r.version)}), validate ${ms(r.validate)} (${ratio(r.validate)})`,
  );
  console.log(
    `  per volume: plan ${us(r.perVolume)} beyond volplan's start-up; floor ${us(r.floorPerVolume)} (open, fstat, 4 KiB read, close: ${ms(r.floor)})`,
  );
  if (r.compare !== undefined) {
    console.log(
      `  compared build (${values.compare}): plan ${ms(r.compare)} (${ratio(r.compare)})`,
    );
  }
  if (r.profile !== null) {
    const total = r.profile.reduce((sum, [, time]) => sum + time, 0);
    const line = (time, name) =>
      console.log(`    ${ms(time).padStart(9)}  ${us(time / r.count).padStart(9)}/volume  ${name}`);
    console.log(`  profile of a plan (mean of 5, ${ms(total)} sampled), self time by stage:`);
    for (const [stage, time] of byStage(r.profile)) line(time, stage);
    console.log(`  the largest places:`);
    for (const [place, time] of r.profile.slice(0, 15)) line(time, place);
  }
}

console.log(`machine: ${machineDescription()}`);
console.log(`rounds: best of ${rounds}, interleaved; NODE_EXTRA_CA_CERTS unset for every command`);
const small = measure(1000, rounds);
report("1,000 volumes", small);
console.log(`  ratio ${(small.plan / small.node).toFixed(2)}× of node -e 0 (target ≤ 3×)`);
// node -e 0 reads no image: the floor program does the reads a plan cannot avoid (the manifest,
// then each image's head), so plan / floor is the ratio against a baseline doing the same I/O.
console.log(
  `  ratio ${(small.plan / small.floor).toFixed(2)}× of the floor (same reads, nothing else)`,
);
if (!values["skip-10k"]) {
  const large = measure(10000, Math.max(3, Math.ceil(rounds / 3)));
  report("10,000 volumes", large);
  console.log(`  ratio ${(large.plan / large.floor).toFixed(2)}× of the floor`);
  const marginal = (large.plan - small.plan) / 9000;
  console.log(
    `per-volume cost 10k / 1k: ${(large.perVolume / small.perVolume).toFixed(2)} (1.00 = linear); marginal cost from 1k to 10k: ${(marginal * 1000).toFixed(1)} µs per volume`,
  );
  if (small.profile !== null && large.profile !== null) {
    console.log("marginal cost from 1k to 10k by stage (profiled, µs per volume):");
    const before = new Map(byStage(small.profile));
    const marginals = byStage(large.profile).map(([stage, time]) => [
      stage,
      ((time - (before.get(stage) ?? 0)) / 9000) * 1000,
    ]);
    for (const [stage, each] of marginals.sort((a, b) => b[1] - a[1]))
      console.log(`  ${each.toFixed(1).padStart(7)} µs  ${stage}`);
  }
}
