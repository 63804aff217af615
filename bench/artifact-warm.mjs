// Warm artifact hit: `volplan plan` and `volplan artifact path` with a cached 350 MiB artifact, against
// `volplan plan` of a manifest without artifacts. Target: warm hit ≤ 1.1× the no-artifact plan.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineDescription } from "./lib/machine.mjs";
import { bestOfInterleaved, ms } from "./lib/timing.mjs";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "15" }, mib: { type: "string", default: "350" } },
});
const rounds = Number(values.rounds);
const volplan = path.resolve(import.meta.dirname, "../dist/volplan.cjs");
const dir = mkdtempSync(path.join(os.tmpdir(), "volplan-bench-warm-"));
try {
  const file = path.join(dir, "nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz");
  execFileSync("sh", [
    "-c",
    'head -c "$1" /dev/urandom > "$2"',
    "sh",
    `${Number(values.mib) * 1024 * 1024}`,
    file,
  ]);
  const hash = execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0];
  const stateDir = path.join(dir, "state");
  const withArtifact = path.join(dir, "with.json");
  const without = path.join(dir, "without.json");
  const artifacts = {
    kexec: {
      urls: [`file://${file}`],
      hash,
      fileName: path.basename(file),
      size: `${values.mib}MiB`,
    },
  };
  writeFileSync(withArtifact, JSON.stringify({ version: 1, stateDir, artifacts }));
  writeFileSync(without, JSON.stringify({ version: 1, stateDir }));
  execFileSync("node", [volplan, "artifact", "fetch", "--manifest", withArtifact], {
    stdio: "inherit",
  });
  const node = process.execPath;
  const best = bestOfInterleaved({
    rounds,
    commands: {
      baseline: { file: node, args: [volplan, "plan", "--manifest", without] },
      plan: { file: node, args: [volplan, "plan", "--manifest", withArtifact] },
      path: {
        file: node,
        args: [volplan, "artifact", "path", "kexec", "--manifest", withArtifact],
      },
    },
  });
  console.log(machineDescription());
  console.log(
    `artifact: ${values.mib} MiB, cached and indexed; best of ${rounds} interleaved rounds`,
  );
  console.log(`plan, no artifacts (baseline):  ${ms(best.baseline)}`);
  console.log(
    `plan, cached artifact:          ${ms(best.plan)}  ratio ${(best.plan / best.baseline).toFixed(2)}x`,
  );
  console.log(
    `artifact path kexec:            ${ms(best.path)}  ratio ${(best.path / best.baseline).toFixed(2)}x`,
  );
  console.log(`target: <= 1.10x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
