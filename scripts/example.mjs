// Quick start: plans and applies the bundled example into a fresh temporary directory, shows
// that a second run has nothing to do, then raises one size and applies the growth.
// No root needed: images are owned by the user running it. The directory is removed at the end;
// `npm run example -- --keep` keeps it (and prints the manifest's path) to look around.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const cli = path.join(root, "dist", "volplan.cjs");
const examplePrefix = "/tmp/volplan-example";
const keep = process.argv.includes("--keep");

const dir = mkdtempSync(path.join(tmpdir(), "volplan-example-"));
const manifestPath = path.join(dir, "manifest.json");

// The bundled manifest names /tmp/volplan-example; point it at the fresh directory instead,
// and at the current user, so nothing needs root.
function writeManifest(grow) {
  const text = readFileSync(path.join(root, "examples", "basic", "manifest.json"), "utf8");
  const manifest = JSON.parse(text.replaceAll(examplePrefix, dir));
  manifest.stateDir = path.join(dir, "state");
  for (const volume of Object.values(manifest.volumes ?? {})) {
    volume.owner = process.getuid();
    volume.group = process.getgid();
  }
  if (grow) {
    const [id, volume] = Object.entries(manifest.volumes).find(([, v]) =>
      v.format?.type?.startsWith("ext"),
    );
    console.log(`\n# raising ${id} from ${volume.size} to 2GiB`);
    volume.size = "2GiB";
  }
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
}

function volplan(args, okCodes = [0]) {
  console.log(`\n$ volplan ${args.join(" ")}`);
  const result = spawnSync(process.execPath, [cli, ...args], { stdio: "inherit" });
  if (!okCodes.includes(result.status)) {
    console.error(`volplan ${args[0]} exited with ${result.status}`);
    process.exitCode = 1;
    throw new Error("example failed");
  }
  return result.status;
}

try {
  writeManifest(false);
  console.log(
    keep
      ? `# example directory: ${dir} (kept at the end)`
      : "# example directory: a temporary one, removed at the end (npm run example -- --keep keeps it)",
  );
  volplan(["validate", manifestPath]);
  volplan(["plan", "--manifest", manifestPath, "--detailed-exitcode"], [2]);
  volplan(["apply", "--manifest", manifestPath]);
  volplan(["plan", "--manifest", manifestPath, "--detailed-exitcode"], [0]);
  writeManifest(true);
  volplan(["apply", "--manifest", manifestPath]);
  volplan(["plan", "--manifest", manifestPath, "--detailed-exitcode"], [0]);
  console.log("\n# done: created, verified unchanged, grown, verified unchanged");
} catch {
  // volplan already printed why.
} finally {
  if (keep) console.log(`# kept ${dir}; try: npx volplan plan ${manifestPath}`);
  else rmSync(dir, { recursive: true, force: true });
}
