// Sums a V8 CPU profile (node --cpu-prof) by where the time went: each source module of the
// bundle (found by the `// src/…` and `// node_modules/…` lines esbuild writes before each
// module), each npm package, each Node internal file, and V8's own entries (garbage collector,
// program).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

// For a bundle file: the module that each line belongs to (line numbers from 0).
function moduleLines(file) {
  const owners = [];
  let owner = "(bundle)";
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const marker = /^\/\/ ((?:src|node_modules)\/\S+)$/.exec(line);
    if (marker !== null) owner = packageOf(marker[1]);
    owners.push(owner);
  }
  return owners;
}

// node_modules/ajv/dist/runtime/equal.js -> ajv; src/observe/volume.ts stays as it is.
function packageOf(file) {
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match === null ? file : `${match[1]} (npm)`;
}

/**
 * Milliseconds of self time per place in the profile at `profileFile`, the largest first; a
 * frame in `bundleFile` is named by its source module.
 */
export function selfTimeByModule(profileFile, bundleFile) {
  const profile = JSON.parse(readFileSync(profileFile, "utf8"));
  const bundleUrl = new URL(`file://${bundleFile}`).href;
  const owners = moduleLines(fileURLToPath(bundleUrl));
  const placeOf = new Map();
  for (const node of profile.nodes) {
    const { url, functionName, lineNumber } = node.callFrame;
    let place;
    if (url === bundleUrl) place = owners[lineNumber] ?? "(bundle)";
    else if (url === "") place = functionName === "" ? "(anonymous native)" : functionName;
    else if (url.startsWith("node:")) place = url;
    else place = url.replace(/^file:\/\/.*\//, "");
    placeOf.set(node.id, place);
  }
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const place = placeOf.get(id);
    totals.set(place, (totals.get(place) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}
