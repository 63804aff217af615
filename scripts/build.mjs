// Bundles the CLI into dist/volplan.cjs plus shared chunks in dist/chunks/: start-up reads a few
// modules instead of hundreds, and each command loads (parses, and imports the node:* built-ins
// of) only the code it uses, since commands reach their stages through import().
//
// CommonJS rather than ES modules: Node 20 runs an ES module entry through its asynchronous
// module loader, which costs 5-9 ms of start-up on its own (more with every chunk); require()
// of the same code costs almost nothing. esbuild splits only ES module output, so the split
// build is made as ES modules in memory and each file is then converted to CommonJS, with every
// import() becoming a require() of the chunk.
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { build, transform } from "esbuild";

const outdir = path.resolve("dist");
const chunks = path.join(outdir, "chunks");
const entry = path.join(outdir, "volplan.cjs");

const result = await build({
  entryPoints: { volplan: "src/cli/main.ts" },
  outdir,
  // Splitting: `volplan plan` no longer parses execa, the apply and artifact code or the
  // 170 KB plan-schema validator, nor loads the node:* built-ins only they use.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // The names the chunks will have once converted: imports between them already use them.
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: false,
  legalComments: "none",
  write: false,
  logLevel: "warning",
});

async function toCommonJs(file) {
  const converted = await transform(file.text, {
    format: "cjs",
    // import("./chunks/x.cjs") becomes Promise.resolve().then(() => require("./chunks/x.cjs")).
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

// Each file is written beside itself and renamed into place, chunks before the entry that names
// them, so a volplan started during a rebuild reads either the old build or the new one.
await mkdir(chunks, { recursive: true });
const outputs = [...result.outputFiles].sort((a, b) => (a.path === entry) - (b.path === entry));
for (const file of outputs) {
  const code = await toCommonJs(file);
  const text = file.path === entry ? `#!/usr/bin/env node\n${code}` : code;
  const temp = `${file.path}.${process.pid}.tmp`;
  await writeFile(temp, text);
  await rename(temp, file.path);
}
// Files of earlier builds (chunk names carry a content hash; earlier entries were ES modules)
// go, so dist/ ships only this one.
const current = new Set(outputs.map((file) => file.path));
for (const name of await readdir(chunks)) {
  const file = path.join(chunks, name);
  if (!current.has(file)) await rm(file, { force: true });
}
await rm(path.join(outdir, "volplan.mjs"), { force: true });
