// Generates nix/schema-options.nix (NixOS option declarations) from schema/manifest.schema.json,
// so the module's option names, types and descriptions cannot drift from the schema.
// `node scripts/nix-options.mjs` writes it; `--check` exits 1 when the committed file is stale.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMA = "schema/manifest.schema.json";
const TARGET = "nix/schema-options.nix";

// Object definitions that become submodules, in dependency order.
const SUBMODULES = ["policy", "format", "seed", "volume", "artifact"];

// Properties that hold a Nix store path: `lib.types.path` also accepts a derivation or a path
// value, so the file is part of the system closure.
const STORE_PATHS = new Set(["seed.from", "artifact.path"]);

// Top-level properties that are not options: version is fixed, $schema is for editors.
const NOT_OPTIONS = new Set(["version", "$schema"]);

function nixString(text) {
  return `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$\{/g, "\\${").replace(/\n/g, "\\n")}"`;
}

// A JSON Schema pattern as a POSIX extended regex for builtins.match, which matches whole strings.
function erePattern(pattern) {
  return pattern.replace(/^\^/, "").replace(/\$$/, "");
}

function refName(ref) {
  const match = /^#\/definitions\/([A-Za-z]+)$/.exec(ref);
  if (!match) throw new Error(`unsupported $ref ${ref}`);
  return match[1];
}

function integerType(schema) {
  const min = schema.minimum;
  const max = schema.maximum;
  if (min !== undefined && max !== undefined) return `t.ints.between ${min} ${max}`;
  if (min === 1) return "t.ints.positive";
  if (min === 0) return "t.ints.unsigned";
  return "t.int";
}

// The Nix type expression of one property schema.
function typeOf(schema, key) {
  if (STORE_PATHS.has(key)) return "t.path";
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return name === "size" ? "size" : `t.submodule { options = options.${name}; }`;
  }
  if (schema.enum) return `t.enum [ ${schema.enum.map((v) => nixString(String(v))).join(" ")} ]`;
  if (schema.anyOf) {
    return schema.anyOf
      .map((s) => typeOf(s, key))
      .reduceRight((acc, part) => `t.either (${part}) (${acc})`);
  }
  switch (schema.type) {
    case "string":
      return schema.pattern ? `t.strMatching ${nixString(erePattern(schema.pattern))}` : "t.str";
    case "integer":
      return integerType(schema);
    case "array":
      return `t.listOf (${typeOf(schema.items, `${key}[]`)})`;
    case "object": {
      const value = schema.additionalProperties;
      if (typeof value !== "object") throw new Error(`${key}: objects need additionalProperties`);
      return `t.attrsOf (${typeOf(value, `${key}.*`)})`;
    }
    default:
      throw new Error(`${key}: unsupported schema ${JSON.stringify(schema)}`);
  }
}

function describe(schema, definitions) {
  if (schema.description) return schema.description;
  if (schema.$ref) return definitions[refName(schema.$ref)].description;
  throw new Error("every property needs a description");
}

// An optional property's empty value: {} for maps and for objects with nothing required (so
// `policy.reserve = ...` and `volumes.<id> = ...` merge), null for the rest.
function emptyDefault(schema, definitions) {
  if (schema.type === "object") return "{ }";
  if (!schema.$ref) return null;
  const target = definitions[refName(schema.$ref)];
  return target.type === "object" && (target.required ?? []).length === 0 ? "{ }" : null;
}

// One `name = lib.mkOption { ... };`; optional properties default to an empty value (left out).
function optionFor({ name, schema, required, owner, definitions }) {
  const key = `${owner}.${name}`;
  const type = typeOf(schema, key);
  const description = describe(schema, definitions);
  const empty = emptyDefault(schema, definitions);
  const lines = [
    `    ${nixString(name).replace(/^"([A-Za-z_][A-Za-z0-9_]*)"$/, "$1")} = lib.mkOption {`,
  ];
  if (required) {
    lines.push(`      type = ${type};`);
  } else if (empty !== null) {
    lines.push(`      type = ${type};`, `      default = ${empty};`);
  } else {
    lines.push(`      type = t.nullOr (${type});`, "      default = null;");
  }
  lines.push(`      description = ${nixString(description)};`, "    };");
  return lines.join("\n");
}

function optionSet({ owner, schema, definitions }) {
  const required = new Set(schema.required ?? []);
  const names = Object.keys(schema.properties).filter(
    (n) => !(owner === "manifest" && NOT_OPTIONS.has(n)),
  );
  const body = names.map((name) =>
    optionFor({
      name,
      schema: schema.properties[name],
      required: required.has(name),
      owner,
      definitions,
    }),
  );
  return `  ${owner} = {\n${body.join("\n")}\n  };`;
}

// The whole generated file.
export async function generateNixOptions() {
  const schema = JSON.parse(await readFile(path.join(root, SCHEMA), "utf8"));
  const definitions = schema.definitions;
  const size = typeOf({ anyOf: definitions.size.anyOf }, "size");
  const sets = [
    ...SUBMODULES.map((name) => optionSet({ owner: name, schema: definitions[name], definitions })),
    optionSet({ owner: "manifest", schema, definitions }),
  ];
  return [
    `# Generated from ${SCHEMA} by scripts/nix-options.mjs. Do not edit.`,
    "# Option declarations for every object of the manifest; nix/module.nix builds services.volplan",
    "# from them. Integer sizes are bytes, as in the manifest. Optional values default to null",
    "# and are left out of the manifest, so volplan's own defaults apply.",
    "{ lib }:",
    "let",
    "  t = lib.types;",
    `  size = ${size};`,
    "  options = {",
    sets.map((s) => s.replace(/^/gm, "  ")).join("\n"),
    "  };",
    "in",
    "options",
    "",
  ].join("\n");
}

async function main() {
  const content = await generateNixOptions();
  const target = path.join(root, TARGET);
  const current = await readFile(target, "utf8").catch(() => null);
  if (current === content) return;
  if (process.argv.includes("--check")) {
    console.error(`stale: ${TARGET} (run node scripts/nix-options.mjs)`);
    process.exit(1);
  }
  await writeFile(target, content);
  console.log(`wrote ${TARGET}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
