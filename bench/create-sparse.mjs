// Fresh sparse volumes: `volplan apply` creating 64 × 10 GiB ext4 images against the microvm.nix
// recipe (`truncate -s 10G` + plain `mkfs.ext4 -F -q`, one image after the other), in two fresh
// directories on the same filesystem. Targets: physical bytes ≥ 20× smaller, wall time ≤ 0.8×.
// Run: npm run build && node bench/create-sparse.mjs [--rounds N] [--count N] [--dir DIR]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineDescription } from "./lib/machine.mjs";
import { timeCommand } from "./lib/timing.mjs";
import { ownedByMe, requireBuild, timeApply } from "./lib/volplan-apply.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    count: { type: "string", default: "64" },
    dir: { type: "string", default: os.tmpdir() },
  },
});
const rounds = Number(values.rounds);
const count = Number(values.count);
const SIZE = "10G";

requireBuild();

/** Sum of st_blocks × 512 over the regular files in `dir`. */
function physicalBytes(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const info = statSync(path.join(dir, name));
    if (info.isFile()) total += info.blocks * 512;
  }
  return total;
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// The microvm.nix recipe, one image after the other, as its shell loop does; then, timed apart,
// a flush of what it wrote, to show whether its figure leaves writes pending (volplan fsyncs).
function recipe(dir) {
  const start = process.hrtime.bigint();
  const files = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `v${i}.img`);
    timeCommand({ file: "truncate", args: ["-s", SIZE, file] });
    timeCommand({ file: "mkfs.ext4", args: ["-F", "-q", file] });
    files.push(file);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  samples.recipeFlushMs.push(timeCommand({ file: "sync", args: ["-d", ...files] }));
  return ms;
}

function volplan(work, dir) {
  const volumes = Object.fromEntries(
    Array.from({ length: count }, (_, i) => [
      `vm${i}/root`,
      {
        path: path.join(dir, `v${i}.img`),
        size: "10GiB",
        format: { type: "ext4" },
        ...ownedByMe(),
      },
    ]),
  );
  return timeApply({ work, volumes, policy: { overcommit: "ignore" } });
}

// Flushes dirty pages between runs so one run's writeback does not slow the next one down.
function settle() {
  spawnSync("sync", [], { timeout: 600_000 });
}

console.log(`machine: ${machineDescription()}`);
console.log(`filesystem under test: ${values.dir}`);
console.log(`baseline: for i in 1..${count}: truncate -s ${SIZE} vI.img && mkfs.ext4 -F -q vI.img`);
console.log(
  `volplan:  node dist/volplan.cjs apply --manifest M (${count} ext4 volumes, size 10GiB)`,
);
const samples = {
  recipeMs: [],
  recipeFlushMs: [],
  volplanMs: [],
  recipeBytes: [],
  volplanBytes: [],
};
for (let round = 0; round < rounds; round++) {
  const work = mkdtempSync(path.join(values.dir, "volplan-bench-create-"));
  try {
    const plainDir = path.join(work, "plain");
    const volplanDir = path.join(work, "volplan");
    for (const dir of [plainDir, volplanDir]) mkdirSync(dir, { mode: 0o755 });
    // Rotate which goes first, so none always runs on a fresher page cache.
    const runs = {
      recipe: () => samples.recipeMs.push(recipe(plainDir)),
      volplan: () => samples.volplanMs.push(volplan(work, volplanDir)),
    };
    const names = Object.keys(runs);
    for (let i = 0; i < names.length; i++) {
      settle();
      runs[names[(i + round) % names.length]]();
    }
    samples.recipeBytes.push(physicalBytes(plainDir));
    samples.volplanBytes.push(physicalBytes(volplanDir));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const mib = (bytes) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
const [rt, vt] = [median(samples.recipeMs), median(samples.volplanMs)];
const [rb, vb] = [median(samples.recipeBytes), median(samples.volplanBytes)];
const rf = median(samples.recipeFlushMs);
console.log(`rounds: median of ${rounds}`);
console.log(
  `wall time: recipe ${(rt / 1000).toFixed(2)} s, volplan ${(vt / 1000).toFixed(2)} s, ratio ${(vt / rt).toFixed(2)}× (target ≤ 0.8×)`,
);
console.log(
  `fdatasync of the recipe's images afterwards: ${rf.toFixed(0)} ms (mke2fs already flushes what it writes)`,
);
console.log(
  `physical bytes: recipe ${mib(rb)} (${mib(rb / count)} each), volplan ${mib(vb)} (${mib(vb / count)} each), ${(rb / vb).toFixed(1)}× smaller (target ≥ 20×)`,
);
