// Sums V8 CPU profiles (node --cpu-prof) by where the time went: each source module of the
// bundle (found by the `// src/…` and `// node_modules/…` lines esbuild writes before each
// module), each npm package, each Node internal file, native code and V8's own entries
// (garbage collector, program), and those places by stage (src/observe, system calls, ...).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

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

// node_modules/ajv/dist/runtime/equal.js -> ajv (npm); src/observe/volume.ts stays as it is.
function packageOf(file) {
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
  return match === null ? file : `${match[1]} (npm)`;
}

/**
 * Milliseconds of self time per place, averaged over the profiles in `profileFiles`, the largest
 * first; a frame in `bundleFile` is named by its source module.
 */
export function selfTimeByModule(profileFiles, bundleFile) {
  const bundleUrl = pathToFileURL(bundleFile).href;
  const owners = moduleLines(bundleFile);
  const totals = new Map();
  for (const profileFile of profileFiles) {
    const profile = JSON.parse(readFileSync(profileFile, "utf8"));
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
    profile.samples.forEach((id, i) => {
      const place = placeOf.get(id);
      const ms = (profile.timeDeltas[i] ?? 0) / 1000 / profileFiles.length;
      totals.set(place, (totals.get(place) ?? 0) + ms);
    });
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/** The stage a place of selfTimeByModule belongs to. */
export function stageOf(place) {
  if (place.startsWith("src/generated/")) return "schema validation (src/generated)";
  const source = /^src\/([^/]+)\//.exec(place);
  if (source !== null) return `src/${source[1]}`;
  if (place.endsWith(" (npm)")) return "npm packages";
  if (place === "(garbage collector)") return "garbage collection";
  if (place === "(program)" || place === "(idle)" || place === "(bundle)") return place;
  if (place.startsWith("node:internal/modules/")) return "loading and compiling modules";
  if (place.startsWith("node:")) return "Node's JavaScript (fs wrappers, streams, start-up)";
  return "native calls (system calls: open, read, readdir, ...)";
}

/** Milliseconds per stage from selfTimeByModule's places, the largest first. */
export function byStage(places) {
  const stages = new Map();
  for (const [place, ms] of places)
    stages.set(stageOf(place), (stages.get(stageOf(place)) ?? 0) + ms);
  return [...stages.entries()].sort((a, b) => b[1] - a[1]);
}
