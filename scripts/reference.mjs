// Generates docs/manifest-reference.md from the descriptions in schema/manifest.schema.json.
// `node scripts/reference.mjs` writes it; `--check` exits 1 when the committed file is stale.
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SCHEMA = "schema/manifest.schema.json";
const TARGET = "docs/manifest-reference.md";

// Object definitions documented as sections, with where they sit in a manifest.
const SECTIONS = [
  { name: "policy", where: "policy" },
  { name: "volume", where: "volumes.<id>" },
  { name: "format", where: "volumes.<id>.format" },
  { name: "seed", where: "volumes.<id>.seed" },
  { name: "artifact", where: "artifacts.<name>" },
];

/** The banner that marks the reference as generated. */
export const BANNER = `<!-- Generated from ${SCHEMA} by scripts/reference.mjs (node scripts/reference.mjs). Do not edit. -->`;

function refName(ref) {
  return ref.replace("#/definitions/", "");
}

function title(schema, name) {
  return schema.definitions[name]?.title ?? name;
}

// The type of a property in words.
function typeOf(schema, prop) {
  if (prop.$ref) {
    const name = refName(prop.$ref);
    if (name === "size")
      return 'integer bytes (at least 1), or a string such as "20GiB" (see Sizes)';
    return `object (${title(schema, name)}, below)`;
  }
  if (prop.const !== undefined) return `the constant ${JSON.stringify(prop.const)}`;
  if (prop.enum) return `one of ${prop.enum.map((v) => `\`${JSON.stringify(v)}\``).join(", ")}`;
  if (prop.anyOf) return prop.anyOf.map((alt) => typeOf(schema, alt)).join(", or ");
  if (prop.type === "array") return `list of ${typeOf(schema, prop.items ?? {})}`;
  if (prop.type === "object" && prop.additionalProperties?.$ref) {
    return `object of ${title(schema, refName(prop.additionalProperties.$ref))} entries (below), by key`;
  }
  const limits = [];
  if (prop.minimum !== undefined) limits.push(`at least ${prop.minimum}`);
  if (prop.maximum !== undefined) limits.push(`at most ${prop.maximum}`);
  if (prop.maxLength !== undefined) limits.push(`at most ${prop.maxLength} characters`);
  if (prop.pattern !== undefined) limits.push(`matching \`${prop.pattern}\``);
  const base = prop.type === "integer" ? "integer" : (prop.type ?? "any");
  return limits.length === 0 ? base : `${base} (${limits.join(", ")})`;
}

// The default as the description states it ("Defaults to X." or "\"x\" (default").
function defaultOf(description) {
  const stated = /Defaults to (.+?)\.(?:\s|$)/.exec(description ?? "");
  if (stated) return stated[1];
  const marked = /("[^"]+") \(default/.exec(description ?? "");
  return marked ? marked[1] : null;
}

function property(schema, owner, key, where) {
  const prop = owner.properties[key];
  const ref = prop.$ref ? schema.definitions[refName(prop.$ref)] : undefined;
  const description = prop.description ?? ref?.description ?? "";
  const required = (owner.required ?? []).includes(key);
  const fallback = required ? "none (required)" : "none (optional)";
  return [
    `### \`${where === "" ? key : `${where}.${key}`}\``,
    "",
    `- Type: ${typeOf(schema, prop)}`,
    `- Default: ${defaultOf(description) ?? fallback}`,
    "",
    description,
    "",
  ].join("\n");
}

function section(schema, heading, owner, where) {
  const keys = Object.keys(owner.properties);
  const lines = [`## ${heading}`, "", owner.description, "", ""];
  return lines.join("\n") + keys.map((key) => property(schema, owner, key, where)).join("\n");
}

/** The reference text for a schema. */
export function renderReference(schema) {
  const parts = [
    BANNER,
    "",
    "# Manifest reference",
    "",
    `Every key of a volplan manifest (format version ${schema.properties.version.const}), as described in ${SCHEMA}.`,
    "",
    section(schema, "Manifest (top level)", schema, ""),
    ...SECTIONS.map(({ name, where }) =>
      section(schema, `${title(schema, name)} (\`${where}\`)`, schema.definitions[name], where),
    ),
    `## Sizes`,
    "",
    schema.definitions.size.description,
    "",
  ];
  return parts.join("\n").replace(/\n{3,}/g, "\n\n");
}

async function main() {
  const schema = JSON.parse(await readFile(path.join(root, SCHEMA), "utf8"));
  const content = renderReference(schema);
  const target = path.join(root, TARGET);
  const current = await readFile(target, "utf8").catch(() => null);
  if (current === content) return;
  if (process.argv.includes("--check")) {
    console.error(`stale: ${TARGET} (run node scripts/reference.mjs)`);
    process.exit(1);
  }
  await writeFile(target, content);
  console.log(`wrote ${TARGET}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
