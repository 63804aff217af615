// The volplan executable (dist/volplan.mjs): turns on Node's compile cache, then runs the CLI.
import { enableCompileCache } from "./compile-cache.js";

enableCompileCache(process.env);
// The CLI is a module of its own (dist/main.mjs, from main.ts): Node's compile cache covers only
// modules loaded after it is turned on. A name that is not a literal keeps esbuild from bundling
// the CLI into this file.
const program: string = "./main.mjs";
await import(program);
