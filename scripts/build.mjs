// Bundles the CLI into one ESM file so start-up reads one module instead of hundreds.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/volplan.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: false,
  legalComments: "none",
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __volplanRequire } from 'node:module'; const require = __volplanRequire(import.meta.url);",
  },
  logLevel: "warning",
});
