// Loopback download: `volplan artifact fetch` of a 350 MiB artifact from a 127.0.0.1 HTTP server,
// against `curl -o` from the same server. Target: throughput ≥ 0.8× curl.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineDescription } from "./lib/machine.mjs";
import { bestOfInterleaved, ms } from "./lib/timing.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    mib: { type: "string", default: "350" },
    serve: { type: "string" },
  },
});

// Server mode: a separate process, because the timing helpers block this one while commands run.
// It serves the file from memory with one write per request, so it takes as little of the
// machine's CPU as it can (as a mirror sending with sendfile would): the figure is the client's.
if (values.serve !== undefined) {
  const data = readFileSync(values.serve);
  const server = http.createServer((req, res) => {
    res.writeHead(200, { "content-length": data.length, etag: '"bench"' });
    res.end(data);
  });
  server.listen(0, "127.0.0.1", () => console.log(server.address().port));
} else {
  const rounds = Number(values.rounds);
  const volplan = path.resolve(import.meta.dirname, "../dist/volplan.cjs");
  const dir = mkdtempSync(path.join(os.tmpdir(), "volplan-bench-download-"));
  const source = path.join(dir, "kexec.tar.gz");
  execFileSync("sh", [
    "-c",
    'head -c "$1" /dev/urandom > "$2"',
    "sh",
    String(Number(values.mib) * 1024 * 1024),
    source,
  ]);
  const hash = execFileSync("sha256sum", [source], { encoding: "utf8" }).split(" ")[0];
  const server = spawn(process.execPath, [import.meta.filename, "--serve", source], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const port = await new Promise((resolve) =>
      server.stdout.once("data", (d) => resolve(Number(String(d).trim()))),
    );
    const url = `http://127.0.0.1:${port}/kexec.tar.gz`;
    const stateDir = path.join(dir, "state");
    const manifest = path.join(dir, "m.json");
    writeFileSync(
      manifest,
      JSON.stringify({
        version: 1,
        stateDir,
        artifacts: { kexec: { urls: [url], hash, fileName: "kexec.tar.gz" } },
      }),
    );
    // Each volplan round starts from an empty cache: the shell removes it first (timed in both commands alike).
    const fresh = (cmd) => ({
      file: "sh",
      args: ["-c", `rm -rf "$1"/state "$1"/out; ${cmd}`, "sh", dir],
    });
    const best = bestOfInterleaved({
      rounds,
      commands: {
        curl: fresh(`curl -sSf -o "$1"/out ${url}`),
        // volplan fsyncs what it installs; curl followed by an fsync of its output is the like-for-like figure.
        curlSync: fresh(`curl -sSf -o "$1"/out ${url} && sync "$1"/out`),
        volplan: fresh(
          `"${process.execPath}" "${volplan}" artifact fetch --manifest "$1"/m.json > /dev/null`,
        ),
      },
    });
    const mibps = (t) => `${(Number(values.mib) / (t / 1000)).toFixed(0)} MiB/s`;
    console.log(machineDescription());
    console.log(
      `${values.mib} MiB over 127.0.0.1 from one Node http server; best of ${rounds} interleaved rounds`,
    );
    console.log(`curl -o (baseline):      ${ms(best.curl)}  ${mibps(best.curl)}`);
    console.log(
      `volplan artifact fetch:  ${ms(best.volplan)}  ${mibps(best.volplan)}  (streaming sha256, fsync, rename)`,
    );
    console.log(`curl -o + sync FILE:     ${ms(best.curlSync)}  ${mibps(best.curlSync)}`);
    console.log(
      `throughput ratio (curl time / volplan time): ${(best.curl / best.volplan).toFixed(2)}x  target: >= 0.80x`,
    );
    console.log(`against curl -o + sync FILE: ${(best.curlSync / best.volplan).toFixed(2)}x`);
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
