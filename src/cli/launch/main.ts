// The volplan executable (dist/volplan.cjs): loads the CLI's chunk, which loads the rest on demand.
import { join } from "node:path";
import { loadChunk } from "./chunk-loader.js";

// The CLI chunk's name (content-hashed), set by scripts/build.mjs.
declare const VOLPLAN_CLI_CHUNK: string;

// Required rather than run (by the build's code-cache step, or a test), it only exports the loader.
if (require.main === module) loadChunk(join(__dirname, VOLPLAN_CLI_CHUNK));

export { cachePathOf, chunkCacheUse, loadChunk, wrapChunk } from "./chunk-loader.js";
