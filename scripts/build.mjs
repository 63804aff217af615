// Bundles the CLI into dist/: volplan.cjs (a small launcher), the CLI's code split into chunks in
// dist/chunks/, and a V8 code cache beside each chunk. Start-up reads a few modules instead of
// hundreds, each command loads (parses, and imports the node:* built-ins of) only the code it
// uses, since commands reach their stages through import(), and nothing is compiled twice.
//
// CommonJS rather than ES modules: Node 20 runs an ES module entry through its asynchronous
// module loader, which costs 5-9 ms of start-up on its own (more with every chunk). esbuild
// splits only ES module output, so the split build is made as ES modules in memory and each
// file is then converted to CommonJS, every import() becoming a require() of the chunk.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build, transform } from "esbuild";

const outdir = path.resolve("dist");
const chunks = path.join(outdir, "chunks");
const launcher = path.join(outdir, "volplan.cjs");
const common = { bundle: true, platform: "node", target: "node20", minify: false };

const split = await build({
  ...common,
  entryPoints: { cli: "src/cli/main.ts" },
  outdir,
  // Splitting: `volplan plan` no longer parses execa, the apply and artifact code or the
  // 170 KB plan-schema validator, nor loads the node:* built-ins only they use.
  splitting: true,
  entryNames: "chunks/[name]-[hash]",
  chunkNames: "chunks/[name]-[hash]",
  // The names the chunks will have once converted: imports between them already use them.
  outExtension: { ".js": ".cjs" },
  format: "esm",
  legalComments: "none",
  write: false,
  logLevel: "warning",
  metafile: true,
});
const cliChunk = Object.entries(split.metafile.outputs).find(
  ([, output]) => output.entryPoint === "src/cli/main.ts",
)?.[0];
if (cliChunk === undefined) throw new Error("the build has no output for src/cli/main.ts");

async function toCommonJs(file) {
  const converted = await transform(file.text, {
    format: "cjs",
    // import("./x.cjs") becomes Promise.resolve().then(() => require("./x.cjs")).
    supported: { "dynamic-import": false },
    platform: "node",
    target: "node20",
    loader: "js",
    sourcefile: path.relative(outdir, file.path),
    logLevel: "silent",
  });
  // A warning here (import.meta, top-level await) means the code would behave differently.
  if (converted.warnings.length > 0) {
    const text = converted.warnings.map((w) => `${w.location?.file}: ${w.text}`).join("\n");
    throw new Error(`converting to CommonJS changed the meaning of the code:\n${text}`);
  }
  return converted.code;
}

const entry = await build({
  ...common,
  entryPoints: ["src/cli/launch/main.ts"],
  format: "cjs",
  define: { VOLPLAN_CLI_CHUNK: JSON.stringify(path.relative(outdir, path.resolve(cliChunk))) },
  banner: { js: "#!/usr/bin/env node" },
  write: false,
  logLevel: "warning",
});

// Each file is written beside itself and renamed into place, chunks and their caches before the
// launcher that names them, so a volplan started during a rebuild runs the old build or the new.
async function writeAtomically(file, contents) {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, file);
}
await mkdir(chunks, { recursive: true });
const converted = new Map();
for (const file of split.outputFiles) {
  converted.set(file.path, await toCommonJs(file));
  await writeAtomically(file.path, converted.get(file.path));
}
const [launcherFile] = entry.outputFiles;
// The cache step loads the new launcher's helpers, so it is written under a temporary name first.
const nextLauncher = path.join(outdir, `volplan.${process.pid}.next.cjs`);
await writeFile(nextLauncher, launcherFile.text);
// Only this build's chunks: files of an earlier build are removed below.
const chunkFiles = split.outputFiles.map((file) => file.path);
execFileSync(process.execPath, ["scripts/code-cache.mjs", nextLauncher, ...chunkFiles], {
  stdio: "inherit",
});
await rename(nextLauncher, launcher);

// Files of earlier builds (chunk names carry a content hash, caches a checksum of their chunk and
// the V8 version; earlier entries were ES modules) go, so dist/ ships only this one.
const { cachePathOf } = createRequire(import.meta.url)(launcher);
const current = new Set();
for (const file of split.outputFiles) {
  current.add(path.basename(file.path));
  current.add(path.basename(cachePathOf(file.path, Buffer.from(converted.get(file.path)))));
}
for (const name of await readdir(chunks)) {
  if (!current.has(name)) await rm(path.join(chunks, name), { force: true });
}
await rm(path.join(outdir, "volplan.mjs"), { force: true });
