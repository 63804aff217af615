// Cold verify: `volplan artifact fetch --verify` re-hashing a cached 350 MiB artifact, against
// `sha256sum` of the same file (both from the page cache). Target: throughput ≥ 0.9× sha256sum.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineDescription } from "./lib/machine.mjs";
import { bestOfInterleaved, ms } from "./lib/timing.mjs";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "5" }, mib: { type: "string", default: "350" } },
});
const rounds = Number(values.rounds);
const bytes = Number(values.mib) * 1024 * 1024;
const volplan = path.resolve(import.meta.dirname, "../dist/volplan.cjs");
const dir = mkdtempSync(path.join(os.tmpdir(), "volplan-bench-verify-"));
try {
  const source = path.join(dir, "kexec.tar.gz");
  execFileSync("sh", ["-c", 'head -c "$1" /dev/urandom > "$2"', "sh", String(bytes), source]);
  const hash = execFileSync("sha256sum", [source], { encoding: "utf8" }).split(" ")[0];
  const stateDir = path.join(dir, "state");
  const manifest = path.join(dir, "m.json");
  const artifacts = { kexec: { urls: [`file://${source}`], hash, fileName: "kexec.tar.gz" } };
  writeFileSync(manifest, JSON.stringify({ version: 1, stateDir, artifacts }));
  execFileSync("node", [volplan, "artifact", "fetch", "--manifest", manifest], {
    stdio: "inherit",
  });
  const cached = execFileSync(
    "node",
    [volplan, "artifact", "path", "kexec", "--manifest", manifest],
    { encoding: "utf8" },
  ).trim();
  const node = process.execPath;
  const best = bestOfInterleaved({
    rounds,
    commands: {
      sha256sum: { file: "sha256sum", args: [cached] },
      volplan: {
        file: node,
        args: [volplan, "artifact", "fetch", "--verify", "--manifest", manifest],
      },
      startup: { file: node, args: [volplan, "artifact", "path", "kexec", "--manifest", manifest] },
    },
  });
  const mibps = (t) => `${(Number(values.mib) / (t / 1000)).toFixed(0)} MiB/s`;
  console.log(machineDescription());
  console.log(`file: ${values.mib} MiB in the page cache; best of ${rounds} interleaved rounds`);
  console.log(`sha256sum (baseline):        ${ms(best.sha256sum)}  ${mibps(best.sha256sum)}`);
  console.log(
    `volplan artifact fetch --verify: ${ms(best.volplan)}  ${mibps(best.volplan)}  (start-up + manifest: ${ms(best.startup)})`,
  );
  console.log(
    `throughput ratio (sha256sum time / volplan time): ${(best.sha256sum / best.volplan).toFixed(2)}x  target: >= 0.90x`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
