// Generates TypeScript types and ahead-of-time ajv validators from schema/*.json.
// `node scripts/generate.mjs` writes them; `--check` exits 1 when a committed file is stale.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import Ajv from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { compile } from "json-schema-to-typescript";
import prettier from "prettier";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const SCHEMAS = [
  {
    schema: "schema/manifest.schema.json",
    types: "src/generated/manifest-types.ts",
    validator: "src/generated/validate-manifest.js",
    name: "validateManifestSchema",
  },
  {
    schema: "schema/plan.schema.json",
    types: "src/generated/plan-types.ts",
    validator: "src/generated/validate-plan.js",
    name: "validatePlanSchema",
  },
];

function banner(schemaPath) {
  return `/* eslint-disable */\n// Generated from ${schemaPath} by scripts/generate.mjs (npm run generate). Do not edit.\n`;
}

async function format(source, filepath) {
  const config = (await prettier.resolveConfig(path.join(root, filepath))) ?? {};
  return prettier.format(source, { ...config, filepath });
}

async function typesFor(entry, schema) {
  const ts = await compile(schema, schema.title, {
    bannerComment: "",
    additionalProperties: false,
    strictIndexSignatures: true,
    unreachableDefinitions: true,
    format: false,
    cwd: path.join(root, "schema"),
  });
  return format(banner(entry.schema) + ts, entry.types);
}

async function validatorFor(entry, schema) {
  const ajv = new Ajv({
    allErrors: true,
    strict: true,
    // String lengths in UTF-16 units (String.length) rather than code points counted char by
    // char, and patterns without the "u" flag (every pattern is ASCII classes): the same
    // answers for every path and name a manifest holds, without a per-character loop per string
    // on every boot. ajv marks `unicode` deprecated but honours it; only that notice is dropped.
    unicode: false,
    unicodeRegExp: false,
    logger: {
      log: console.log,
      warn: (...args) => {
        if (!String(args[0]).includes("option unicode")) console.warn(...args);
      },
      error: console.error,
    },
    code: { source: true, esm: true, lines: false },
  });
  const validate = ajv.compile(schema);
  // Standalone ESM output still emits require() for ajv's runtime helpers; turn each into an import.
  // Node gives module.exports as the default import, bundlers and vitest may give exports.default: accept both.
  const imports = [];
  const code = standaloneCode(ajv, validate)
    .replace(/^"use strict";/, "")
    .replace(/require\("(ajv\/dist\/runtime\/[a-z0-9]+)"\)\.default/g, (_match, mod) => {
      const local = `runtime${imports.length}`;
      imports.push(`import ${local} from "${mod}.js";`);
      return `(${local}.default ?? ${local})`;
    });
  return banner(entry.schema) + imports.join("\n") + "\n" + code + "\n";
}

function declarationFor(entry) {
  return (
    banner(entry.schema) +
    `import type { ErrorObject } from "ajv";\n` +
    `declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };\n` +
    `export default validate;\n`
  );
}

// Every generated file: path relative to the repository root → content.
export async function generateAll() {
  const files = {};
  for (const entry of SCHEMAS) {
    const schema = JSON.parse(await readFile(path.join(root, entry.schema), "utf8"));
    files[entry.types] = await typesFor(entry, schema);
    files[entry.validator] = await validatorFor(entry, schema);
    files[entry.validator.replace(/\.js$/, ".d.ts")] = declarationFor(entry);
  }
  return files;
}

async function main() {
  const check = process.argv.includes("--check");
  const files = await generateAll();
  let stale = 0;
  for (const [rel, content] of Object.entries(files)) {
    const target = path.join(root, rel);
    const current = await readFile(target, "utf8").catch(() => null);
    if (current === content) continue;
    if (check) {
      console.error(`stale: ${rel} (run npm run generate)`);
      stale++;
    } else {
      await writeFile(target, content);
      console.log(`wrote ${rel}`);
    }
  }
  if (stale > 0) process.exit(1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
