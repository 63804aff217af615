// Seeding from a base image holding 1 GiB of data: `volplan apply` of a raw volume seeded by copy
// (the baseline: what a raw seed costs) against `volplan apply` of a qcow2 volume whose seed is
// its backing file (a thin overlay), in the same run, interleaved; time and allocated bytes.
// Also timed, for scale: bare `qemu-img create -f qcow2 -b BASE -F raw` (no volplan around it).
// Run: npm run build && node bench/seed-backing.mjs [--rounds N] [--dir DIR]
import { randomFillSync } from "node:crypto";
import { spawnSync } from "node:child_process";
import {
  closeSync,
  fsyncSync,
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
    rounds: { type: "string", default: "3" },
    dir: { type: "string", default: os.tmpdir() },
  },
});
const rounds = Number(values.rounds);
const MiB = 1024 ** 2;
const DATA = 1024 * MiB;
const SIZE = 2048 * MiB;

requireBuild();

// A 1 GiB raw image of random bytes (no holes: every byte is data to copy), flushed to disk.
function makeBase(file) {
  const chunk = Buffer.alloc(MiB);
  const fd = openSync(file, "w", 0o600);
  try {
    for (let at = 0; at < DATA; at += MiB) writeSync(fd, randomFillSync(chunk), 0, MiB, at);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const allocated = (file) => statSync(file).blocks * 512;

// One volume of 2 GiB from the base: a raw copy, or a qcow2 overlay backed by the base.
function volplanSeed({ work, base, target, backing }) {
  const volume = {
    path: target,
    size: SIZE,
    format: { type: "none" },
    ...(backing
      ? { imageFormat: "qcow2", seed: { from: base, mode: "backing" } }
      : { seed: { from: base } }),
    ...ownedByMe(),
  };
  return timeApply({ work, volumes: { "vm/root": volume } });
}

const work = mkdtempSync(path.join(values.dir, "volplan-bench-backing-"));
try {
  const base = path.join(work, "base.img");
  makeBase(base);
  const out = path.join(work, "out");
  mkdirSync(out, { mode: 0o755 });
  console.log(`machine: ${machineDescription()}`);
  console.log(`filesystem under test: ${values.dir}`);
  console.log(`base: 1 GiB of random data, ${(allocated(base) / MiB).toFixed(1)} MiB allocated`);
  console.log(`volume: 2 GiB, format none, seeded from the base`);
  console.log(`baseline: volplan apply, raw volume, seed { from = base } (a copy)`);
  console.log(`volplan:  volplan apply, imageFormat qcow2, seed { from = base; mode = "backing" }`);
  console.log(`scale:    qemu-img create -f qcow2 -b base.img -F raw o.qcow2 2G (bare, no fsync)`);
  const samples = { copy: [], backing: [], bare: [], copyBytes: [], backingBytes: [] };
  timeCommand({ file: "cat", args: [base] });
  for (let round = 0; round < rounds; round++) {
    const copyTarget = path.join(out, `copy-${round}.img`);
    const backingTarget = path.join(out, `backing-${round}.qcow2`);
    const bareTarget = path.join(out, `bare-${round}.qcow2`);
    spawnSync("sync", [], { timeout: 600_000 });
    samples.copy.push(volplanSeed({ work, base, target: copyTarget, backing: false }));
    spawnSync("sync", [], { timeout: 600_000 });
    samples.backing.push(volplanSeed({ work, base, target: backingTarget, backing: true }));
    spawnSync("sync", [], { timeout: 600_000 });
    samples.bare.push(
      timeCommand({
        file: "qemu-img",
        args: ["create", "-q", "-f", "qcow2", "-b", base, "-F", "raw", bareTarget, String(SIZE)],
      }),
    );
    samples.copyBytes.push(allocated(copyTarget));
    samples.backingBytes.push(allocated(backingTarget));
    for (const file of [copyTarget, backingTarget, bareTarget]) rmSync(file, { force: true });
  }
  const [copy, backing, bare] = [samples.copy, samples.backing, samples.bare].map(median);
  const [cb, bb] = [samples.copyBytes, samples.backingBytes].map(median);
  console.log(`rounds: median of ${rounds}`);
  console.log(
    `time: raw copy ${copy.toFixed(0)} ms, qcow2 backing ${backing.toFixed(0)} ms; ratio ${(backing / copy).toFixed(3)}× (${(copy / backing).toFixed(1)}× faster); bare qemu-img create ${bare.toFixed(0)} ms`,
  );
  console.log(
    `allocated: raw copy ${(cb / MiB).toFixed(2)} MiB, qcow2 backing ${(bb / MiB).toFixed(3)} MiB; ratio ${(bb / cb).toFixed(5)}× (${(cb / bb).toFixed(0)}× smaller)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
