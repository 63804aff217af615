// Writes the V8 code cache of the chunks in dist/chunks/, for the Node that runs this script
// (scripts/build.mjs runs it with the Node doing the build, which in a Nix build is the one the
// package runs with). The loader in dist/volplan.cjs picks a cache by V8 version and V8 refuses
// one made under other flags, so a cache that does not fit costs nothing but its read.
import { readFileSync, readdirSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import v8 from "node:v8";
import { Script } from "node:vm";

// Arguments: the launcher whose wrapChunk and cachePathOf to use, then the chunks to cache
// (default: every chunk in dist/chunks/).
const launcher = path.resolve(process.argv[2] ?? "dist/volplan.cjs");
const { wrapChunk, cachePathOf } = createRequire(import.meta.url)(launcher);
const chunks = path.join(path.dirname(launcher), "chunks");
const files =
  process.argv.length > 3
    ? process.argv.slice(3).map((file) => path.resolve(file))
    : readdirSync(chunks)
        .filter((name) => name.endsWith(".cjs"))
        .map((name) => path.join(chunks, name));
// Every function is compiled now rather than on its first call, so each cache holds them all.
// The flag is set back before the caches are made: V8 takes a cache only under the flags it
// was made with, and volplan runs with the defaults.
v8.setFlagsFromString("--no-lazy");
const scripts = files.map((file) => {
  const source = readFileSync(file);
  return { target: cachePathOf(file, source), script: new Script(wrapChunk(source.toString())) };
});
v8.setFlagsFromString("--lazy");
for (const { target, script } of scripts) {
  const temp = `${target}.${process.pid}.tmp`;
  writeFileSync(temp, script.createCachedData());
  renameSync(temp, target);
}
