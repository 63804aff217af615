// A one-line description of the machine a benchmark ran on, for docs/benchmarks.md.
import { readFileSync } from "node:fs";
import os from "node:os";

/** "AMD EPYC, 2 cores, 23 GiB RAM, Linux 6.1, Node v20.20.2" */
export function machineDescription() {
  const cpus = os.cpus();
  let model = cpus[0]?.model ?? "unknown CPU";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m);
    if (line?.[1]) model = line[1].trim();
  } catch {
    // Not Linux: os.cpus() is good enough.
  }
  const ram = Math.round(os.totalmem() / 1024 ** 3);
  return `${model}, ${cpus.length} cores, ${ram} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}
