// Bundles the CLI with esbuild into dist/ (or the directory named by the first argument):
// volplan.mjs, the executable, and main.mjs, the whole program in one ES module.
// volplan.mjs turns on Node's compile cache (src/cli/compile-cache.ts) and then imports main.mjs:
// Node caches the compiled code only of modules loaded after that call, so the program is a
// file of its own. Two builds of the same source are byte-identical (test/build.test.ts): no
// timestamps, no absolute paths, no content-hashed names.
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.resolve(process.argv[2] ?? path.join(root, "dist"));

async function bundle(entry, outfile, banner) {
  const result = await build({
    // Paths in the output's comments are relative to this directory, wherever the tree lives.
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: path.join(outdir, outfile),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    banner: { js: banner },
    legalComments: "none",
    write: false,
    logLevel: "warning",
  });
  const [file] = result.outputFiles;
  return file.contents;
}

const program = await bundle(
  "src/cli/main.ts",
  "main.mjs",
  // esbuild turns a CommonJS dependency's require("node:…") into a call of this require.
  'import { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);',
);
const executable = await bundle("src/cli/bin.ts", "volplan.mjs", "#!/usr/bin/env node");

// Each file is written beside itself and renamed into place, the program before the executable
// that imports it, so a volplan started during a rebuild runs whole files.
async function writeAtomically(file, contents, mode) {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await chmod(temp, mode);
  await rename(temp, file);
}
await mkdir(outdir, { recursive: true });
await writeAtomically(path.join(outdir, "main.mjs"), program, 0o644);
await writeAtomically(path.join(outdir, "volplan.mjs"), executable, 0o755);
// What earlier builds wrote (a launcher, its chunks and their code caches) goes, so dist/ holds
// only this build.
await rm(path.join(outdir, "volplan.cjs"), { force: true });
await rm(path.join(outdir, "chunks"), { recursive: true, force: true });
