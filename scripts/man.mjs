// Generates man/volplan.1 from the command table (src/cli/man-page.ts), the source of --help too.
// `node scripts/man.mjs` writes it; `--check` exits 1 when the committed file is stale.
// The TypeScript is bundled with esbuild into a temporary CommonJS file and required from there.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TARGET = "man/volplan.1";

/** The text of man/volplan.1 as the command table makes it. */
export async function manPageText() {
  const dir = await mkdtemp(path.join(tmpdir(), "volplan-man-"));
  try {
    const file = path.join(dir, "man-page.cjs");
    await build({
      absWorkingDir: root,
      stdin: {
        contents: [
          'export { manPage } from "./src/cli/man-page.ts";',
          'export { COMMANDS } from "./src/cli/command-table.ts";',
        ].join("\n"),
        resolveDir: root,
        loader: "ts",
      },
      outfile: file,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      logLevel: "warning",
    });
    const { manPage, COMMANDS } = createRequire(import.meta.url)(file);
    return manPage(COMMANDS);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const text = await manPageText();
  const target = path.join(root, TARGET);
  if (process.argv.includes("--check")) {
    const current = await readFile(target, "utf8").catch(() => null);
    if (current !== text) {
      console.error(`stale: ${TARGET} (run node scripts/man.mjs)`);
      process.exit(1);
    }
    return;
  }
  await writeFile(target, text);
  console.log(`wrote ${TARGET}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
