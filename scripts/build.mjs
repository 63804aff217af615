// Bundles the CLI into dist/volplan.mjs plus shared chunks in dist/chunks/: start-up reads a few
// modules instead of hundreds, and each command loads (parses, and imports the node:* built-ins
// of) only the code it uses, since commands reach their stages through import().
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

const outdir = path.resolve("dist");
const chunks = path.join(outdir, "chunks");
const entry = path.join(outdir, "volplan.mjs");

const result = await build({
  entryPoints: { volplan: "src/cli/main.ts" },
  outdir,
  // Splitting: `volplan plan` no longer parses execa, the apply and artifact code or the
  // 170 KB plan-schema validator, nor loads the node:* built-ins only they use.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: false,
  legalComments: "none",
  banner: {
    // Every chunk may hold bundled CommonJS that calls require().
    js: "import { createRequire as __volplanRequire } from 'node:module'; const require = __volplanRequire(import.meta.url);",
  },
  write: false,
  logLevel: "warning",
});

// Each file is written beside itself and renamed into place, chunks before the entry that names
// them, so a volplan started during a rebuild reads either the old build or the new one.
await mkdir(chunks, { recursive: true });
const outputs = [...result.outputFiles].sort((a, b) => (a.path === entry) - (b.path === entry));
for (const file of outputs) {
  const text = file.path === entry ? `#!/usr/bin/env node\n${file.text}` : file.contents;
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file.path);
}
// Chunks of earlier builds (their names carry a content hash) go, so dist/ ships only this one.
const current = new Set(outputs.map((file) => file.path));
for (const name of await readdir(chunks)) {
  const file = path.join(chunks, name);
  if (!current.has(file)) await rm(file, { force: true });
}
