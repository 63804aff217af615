// Generates TypeScript types and ahead-of-time ajv validators from schema/*.json.
// `node scripts/generate.mjs` writes them; `--check` exits 1 when a committed file is stale.
// The output schemas (plan, apply, validate) leave their objects open for consumers (later
// releases may add properties); their validators, which only tests use, check volplan's own output
// closed: every object gets additionalProperties: false, so a property volplan prints that its
// schema does not describe fails the tests.
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
    closed: false,
  },
  {
    schema: "schema/plan.schema.json",
    types: "src/generated/plan-types.ts",
    validator: "src/generated/validate-plan.js",
    closed: true,
  },
  {
    schema: "schema/apply.schema.json",
    types: "src/generated/apply-types.ts",
    validator: "src/generated/validate-apply.js",
    closed: true,
  },
  {
    schema: "schema/validate.schema.json",
    types: "src/generated/validate-output-types.ts",
    validator: "src/generated/validate-validate-output.js",
    closed: true,
  },
];

// The types file of each schema, by $id.
const typesById = new Map();

// Schemas refer to each other by $id (https://volplan.dev/schema/plan-v1.json); each is a file here.
async function schemasById() {
  const byId = new Map();
  for (const entry of SCHEMAS) {
    const schema = JSON.parse(await readFile(path.join(root, entry.schema), "utf8"));
    byId.set(schema.$id, schema);
    typesById.set(schema.$id, entry.types);
  }
  return byId;
}

/** A copy of `schema` whose objects with properties admit no others (unless they say). */
export function closedSchema(schema) {
  if (Array.isArray(schema)) return schema.map(closedSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const copy = Object.fromEntries(
    Object.entries(schema).map(([key, value]) =>
      key === "properties" || key === "definitions"
        ? [key, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, closedSchema(v)]))]
        : [key, closedSchema(value)],
    ),
  );
  if (copy.properties !== undefined && copy.additionalProperties === undefined)
    copy.additionalProperties = false;
  return copy;
}

function banner(schemaPath) {
  return `/* eslint-disable */\n// Generated from ${schemaPath} by scripts/generate.mjs (npm run generate). Do not edit.\n`;
}

async function format(source, filepath) {
  const config = (await prettier.resolveConfig(path.join(root, filepath))) ?? {};
  return prettier.format(source, { ...config, filepath });
}

// A $ref to another schema that has its own types becomes that type, imported from its file,
// rather than a second copy of every type of that schema.
function withImportedTypes(schema, byId) {
  const imports = new Map();
  const walk = (node) => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== "object") return node;
    const other = typeof node.$ref === "string" ? byId.get(node.$ref) : undefined;
    if (other !== undefined) {
      imports.set(other.title, `./${path.basename(typesById.get(node.$ref), ".ts")}.js`);
      const { $ref: _ref, ...rest } = node;
      return { ...rest, tsType: other.title };
    }
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
  };
  const rewritten = walk(schema);
  const lines = [...imports].map(([name, from]) => `import type { ${name} } from "${from}";\n`);
  return { schema: rewritten, header: lines.join("") };
}

async function typesFor(entry, schema, byId) {
  const local = withImportedTypes(schema, byId);
  const ts = await compile(local.schema, schema.title, {
    // $refs to another schema's $id read that schema's file.
    $refOptions: {
      resolve: {
        volplan: {
          order: 1,
          canRead: (file) => byId.has(file.url),
          read: (file) => JSON.stringify(byId.get(file.url)),
        },
      },
    },
    bannerComment: "",
    additionalProperties: false,
    strictIndexSignatures: true,
    unreachableDefinitions: true,
    format: false,
    cwd: path.join(root, "schema"),
  });
  return format(banner(entry.schema) + local.header + ts, entry.types);
}

async function validatorFor(entry, schema, byId) {
  const view = entry.closed ? closedSchema : (s) => s;
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
  for (const [id, other] of byId) if (id !== schema.$id) ajv.addSchema(view(other));
  const validate = ajv.compile(view(schema));
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
  const byId = await schemasById();
  for (const entry of SCHEMAS) {
    const schema = JSON.parse(await readFile(path.join(root, entry.schema), "utf8"));
    files[entry.types] = await typesFor(entry, schema, byId);
    files[entry.validator] = await validatorFor(entry, schema, byId);
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
