// Growing: `volplan apply` taking a 10 GiB ext4 image to 20 GiB against the manual commands
// (`truncate -s 20G` + `e2fsck -fp` + `resize2fs`) on an identical copy. Target: ≤ 1.1×.
// Run: npm run build && node bench/grow.mjs [--rounds N] [--dir DIR]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
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

requireBuild();

function median(list) {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const elapsed = (start) => Number(process.hrtime.bigint() - start) / 1e6;

// The manual way; e2fsck -p exits 1 when it fixed something, which still counts as success.
function manual(file) {
  const start = process.hrtime.bigint();
  timeCommand({ file: "truncate", args: ["-s", "20G", file] });
  const fsck = spawnSync("e2fsck", ["-f", "-p", file], { stdio: "ignore", timeout: 600_000 });
  if (fsck.status !== 0 && fsck.status !== 1) throw new Error(`e2fsck -fp exited ${fsck.status}`);
  timeCommand({ file: "resize2fs", args: [file] });
  return elapsed(start);
}

function volplanGrow(work, file) {
  const volume = { path: file, size: "20GiB", format: { type: "ext4" }, ...ownedByMe() };
  return timeApply({ work, volumes: { "vm/root": volume } });
}

const work = mkdtempSync(path.join(values.dir, "volplan-bench-grow-"));
try {
  const template = path.join(work, "template.img");
  timeCommand({ file: "truncate", args: ["-s", "10G", template] });
  timeCommand({ file: "mkfs.ext4", args: ["-F", "-q", template] });
  spawnSync("chmod", ["0600", template]);
  console.log(`machine: ${machineDescription()}`);
  console.log(`filesystem under test: ${values.dir}`);
  console.log(
    `image: 10 GiB ext4 made by plain mkfs.ext4, copied with cp --sparse=always for each run`,
  );
  console.log(`baseline: truncate -s 20G img && e2fsck -fp img && resize2fs img`);
  console.log(`volplan:  node dist/volplan.cjs apply --manifest M (size 20GiB)`);
  const samples = { manual: [], volplan: [] };
  for (let round = 0; round < rounds; round++) {
    const a = path.join(work, `manual-${round}.img`);
    const b = path.join(work, `volplan-${round}.img`);
    timeCommand({ file: "cp", args: ["--sparse=always", "-p", template, a] });
    timeCommand({ file: "cp", args: ["--sparse=always", "-p", template, b] });
    spawnSync("sync", [], { timeout: 600_000 });
    // Alternate the order so page-cache effects fall on both sides.
    if (round % 2 === 0) {
      samples.manual.push(manual(a));
      samples.volplan.push(volplanGrow(work, b));
    } else {
      samples.volplan.push(volplanGrow(work, b));
      samples.manual.push(manual(a));
    }
    rmSync(a, { force: true });
    rmSync(b, { force: true });
  }
  const [m, v] = [median(samples.manual), median(samples.volplan)];
  console.log(`rounds: median of ${rounds}`);
  console.log(
    `time: manual ${m.toFixed(0)} ms, volplan ${v.toFixed(0)} ms, ratio ${(v / m).toFixed(2)}× (target ≤ 1.1×)`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
