// The volplan executable (dist/volplan.cjs): turns on Node's compile cache, then runs the CLI.
import { enableCompileCache } from "./compile-cache.js";

enableCompileCache(process.env);
// The CLI is a file of its own (dist/main.cjs, from main.ts; scripts/build.mjs leaves this
// require to run time): Node's compile cache covers only modules loaded after it is turned on.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("./main.cjs");
