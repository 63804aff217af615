// Seeding: `volplan apply` creating a volume from a 2 GiB sparse base image holding ~300 MiB of
// scattered data, against `cp --sparse=always` of the same file on the same filesystem.
// Targets: time ≤ 1.1× cp's, allocated bytes within 1 MiB of cp's copy.
// Run: npm run build && node bench/seed-copy.mjs [--rounds N] [--dir DIR]
import { spawnSync } from "node:child_process";
import {
  closeSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineDescription } from "./lib/machine.mjs";
import { timeCommand } from "./lib/timing.mjs";
import { ownedByMe, requireBuild, timeApply } from "./lib/volplan-apply.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    dir: { type: "string", default: os.tmpdir() },
  },
});
const rounds = Number(values.rounds);
const MiB = 1024 ** 2;
const SIZE = 2048 * MiB;
const CHUNKS = 300;

requireBuild();

// 300 distinct 1 MiB chunks of pseudo-random bytes at pseudo-random 1 MiB-aligned offsets (fixed seed).
function makeBase(file) {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const slots = new Set();
  while (slots.size < CHUNKS) slots.add(next() % (SIZE / MiB));
  const chunk = Buffer.alloc(MiB);
  const fd = openSync(file, "w", 0o600);
  try {
    ftruncateSync(fd, SIZE);
    for (const slot of slots) {
      for (let i = 0; i < MiB; i += 4) chunk.writeUInt32LE(next(), i);
      writeSync(fd, chunk, 0, MiB, slot * MiB);
    }
  } finally {
    closeSync(fd);
  }
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const allocated = (file) => statSync(file).blocks * 512;

function volplanSeed(work, base, target) {
  const volume = {
    path: target,
    size: SIZE,
    seed: { from: base },
    format: { type: "none" },
    ...ownedByMe(),
  };
  return timeApply({ work, volumes: { "vm/root": volume } });
}

const work = mkdtempSync(path.join(values.dir, "volplan-bench-seed-"));
try {
  const base = path.join(work, "base.img");
  makeBase(base);
  const out = path.join(work, "out");
  mkdirSync(out, { mode: 0o755 });
  console.log(`machine: ${machineDescription()}`);
  console.log(`filesystem under test: ${values.dir}`);
  console.log(
    `base: 2 GiB sparse, ${(allocated(base) / MiB).toFixed(1)} MiB allocated in ${CHUNKS} scattered 1 MiB chunks`,
  );
  console.log(
    `baseline: cp --sparse=always base.img cp.img  (and: + sync -d cp.img, cp with fsync)`,
  );
  console.log(
    `volplan:  node dist/volplan.cjs apply --manifest M (one volume seeded from base.img)`,
  );
  const samples = { cp: [], cpSync: [], volplan: [], cpBytes: [], volplanBytes: [] };
  // Warm the page cache with the base image, as a repeated deployment would find it.
  timeCommand({ file: "cat", args: [base] });
  for (let round = 0; round < rounds; round++) {
    const cpTarget = path.join(out, `cp-${round}.img`);
    const cpSyncTarget = path.join(out, `cp-sync-${round}.img`);
    const volplanTarget = path.join(out, `volplan-${round}.img`);
    spawnSync("sync", [], { timeout: 600_000 });
    samples.cp.push(timeCommand({ file: "cp", args: ["--sparse=always", base, cpTarget] }));
    spawnSync("sync", [], { timeout: 600_000 });
    const start = process.hrtime.bigint();
    timeCommand({ file: "cp", args: ["--sparse=always", base, cpSyncTarget] });
    timeCommand({ file: "sync", args: ["-d", cpSyncTarget] });
    samples.cpSync.push(Number(process.hrtime.bigint() - start) / 1e6);
    spawnSync("sync", [], { timeout: 600_000 });
    samples.volplan.push(volplanSeed(work, base, volplanTarget));
    samples.cpBytes.push(allocated(cpTarget));
    samples.volplanBytes.push(allocated(volplanTarget));
    for (const file of [cpTarget, cpSyncTarget, volplanTarget]) rmSync(file, { force: true });
  }
  const [cp, cpSync, vp] = [median(samples.cp), median(samples.cpSync), median(samples.volplan)];
  const [cb, vb] = [median(samples.cpBytes), median(samples.volplanBytes)];
  console.log(`rounds: median of ${rounds}`);
  console.log(
    `time: cp ${cp.toFixed(0)} ms, cp + fsync ${cpSync.toFixed(0)} ms, volplan ${vp.toFixed(0)} ms; ratio ${(vp / cp).toFixed(2)}× cp (target ≤ 1.1×), ${(vp / cpSync).toFixed(2)}× cp + fsync`,
  );
  console.log(
    `allocated: cp ${(cb / MiB).toFixed(2)} MiB, volplan ${(vb / MiB).toFixed(2)} MiB, difference ${((vb - cb) / MiB).toFixed(2)} MiB (target within 1 MiB)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
