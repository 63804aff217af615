// Bundles the CLI with esbuild into dist/ (or the directory named by the first argument):
// volplan.cjs, the executable, and main.cjs, the whole program in one file.
// volplan.cjs turns on Node's compile cache (src/cli/compile-cache.ts) and then requires
// main.cjs: Node caches the compiled code only of modules loaded after that call, so the program
// is a file of its own. CommonJS rather than ES modules: an ES module bundle imports every node:*
// built-in any part of the program uses before it starts (node:crypto, node:child_process,
// node:worker_threads, ...), where CommonJS requires each when the code that needs it first runs.
// Two builds of the same source are byte-identical (test/build.test.ts): no timestamps, no
// absolute paths, no content-hashed names.
import { chmod, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outdir = path.resolve(process.argv[2] ?? path.join(root, "dist"));

async function bundle({ entry, outfile, ...options }) {
  const result = await build({
    // Paths in the output's comments are relative to this directory, wherever the tree lives.
    absWorkingDir: root,
    entryPoints: [entry],
    outfile: path.join(outdir, outfile),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    legalComments: "none",
    write: false,
    logLevel: "warning",
    ...options,
  });
  const [file] = result.outputFiles;
  return file.contents;
}

const program = await bundle({ entry: "src/cli/main.ts", outfile: "main.cjs" });
const executable = await bundle({
  entry: "src/cli/bin.ts",
  outfile: "volplan.cjs",
  banner: { js: "#!/usr/bin/env node" },
  external: ["./main.cjs"],
});

// Each file is written beside itself and renamed into place, the program before the executable
// that requires it, so a volplan started during a rebuild runs whole files.
async function writeAtomically(file, contents, mode) {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, contents);
  await chmod(temp, mode);
  await rename(temp, file);
}
await mkdir(outdir, { recursive: true });
await writeAtomically(path.join(outdir, "main.cjs"), program, 0o644);
await writeAtomically(path.join(outdir, "volplan.cjs"), executable, 0o755);
// What earlier builds wrote (chunks and their code caches, ES module entries) goes, so dist/
// holds only this build.
for (const name of ["chunks", "volplan.mjs", "main.mjs"])
  await rm(path.join(outdir, name), { recursive: true, force: true });
