// The compatibility promise of the output schemas (plan, apply, validate): objects are open for
// consumers, the rule is stated in each, and the validators tests use check volplan's output closed.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import validateApply from "../src/generated/validate-apply.js";
import validatePlan from "../src/generated/validate-plan.js";
import validateValidateOutput from "../src/generated/validate-validate-output.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUTPUTS = ["plan", "apply", "validate"] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

async function schema(name: string): Promise<Record<string, Json>> {
  const text = await readFile(path.join(root, "schema", `${name}.schema.json`), "utf8");
  return JSON.parse(text) as Record<string, Json>;
}

// The JSON pointers of every additionalProperties: false in a schema.
function closedObjects(value: Json, pointer = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const here = !Array.isArray(value) && value["additionalProperties"] === false ? [pointer] : [];
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value);
  return [...here, ...entries.flatMap(([key, v]) => closedObjects(v, `${pointer}/${key}`))];
}

// The published schema `name`, as a consumer compiles it (open objects, refs by $id).
async function openValidator(name: (typeof OUTPUTS)[number]) {
  const ajv = new Ajv({ strict: true, allErrors: true });
  for (const other of OUTPUTS) ajv.addSchema(await schema(other));
  const id = (await schema(name))["$id"];
  if (typeof id !== "string") throw new Error(`schema/${name}.schema.json has no $id`);
  const validate = ajv.getSchema(id);
  if (validate === undefined) throw new Error(`no schema ${id}`);
  return validate;
}

const planDoc = {
  format_version: 1,
  feasible: true,
  summary: { create: 0, grow: 0, change: 0, unchanged: 0, refused: 0, fetch: 0 },
  actions: [],
  filesystems: [],
  warnings: [],
};
const totals = { done: 0, failed: 0, skipped: 0, refused: 0, unchanged: 0 };
const report = { results: [], totals, duration_ms: 0 };
const applyDoc = { format_version: 1, plan: planDoc, report };
const file = { file: "m.json", valid: true, issues: [] };
const validateDoc = { format_version: 1, valid: true, files: [file] };

// A document of each output with one property a later release might add, somewhere inside.
const widened = [
  {
    what: "plan",
    name: "plan",
    closed: validatePlan,
    plain: planDoc,
    wider: { ...planDoc, later: 1 },
  },
  {
    what: "plan summary",
    name: "plan",
    closed: validatePlan,
    plain: planDoc,
    wider: { ...planDoc, summary: { ...planDoc.summary, later: 1 } },
  },
  {
    what: "apply",
    name: "apply",
    closed: validateApply,
    plain: applyDoc,
    wider: { ...applyDoc, later: 1 },
  },
  {
    what: "apply totals",
    name: "apply",
    closed: validateApply,
    plain: applyDoc,
    wider: { ...applyDoc, report: { ...report, totals: { ...totals, later: 1 } } },
  },
  {
    what: "the plan inside apply",
    name: "apply",
    closed: validateApply,
    plain: applyDoc,
    wider: { ...applyDoc, plan: { ...planDoc, later: 1 } },
  },
  {
    what: "a validated file",
    name: "validate",
    closed: validateValidateOutput,
    plain: validateDoc,
    wider: { ...validateDoc, files: [{ ...file, later: 1 }] },
  },
] as const;

describe("output schemas", () => {
  it.each(OUTPUTS)("%s: no object is closed to properties a later release adds", async (name) => {
    expect(closedObjects(await schema(name))).toEqual([]);
  });

  it("the manifest schema, an input, stays closed: an unknown key is a mistake", async () => {
    expect(closedObjects(await schema("manifest")).length).toBeGreaterThan(5);
  });

  it.each(OUTPUTS)(
    "%s states the rule: version 1 only adds, consumers ignore the rest",
    async (name) => {
      const doc = await schema(name);
      expect(doc["description"]).toMatch(/later releases only add/);
      expect(doc["description"]).toMatch(/Consumers ignore properties they do not know/);
      const properties = doc["properties"] as Record<string, Json>;
      expect(properties["format_version"]).toMatchObject({ const: 1 });
    },
  );

  it.each(widened)(
    "$what: the published schema accepts an added property, the tests' validator does not",
    async ({ name, closed, plain, wider }) => {
      expect(closed(plain), JSON.stringify(closed.errors)).toBe(true);
      expect(closed(wider)).toBe(false);
      const open = await openValidator(name);
      expect(open(plain), JSON.stringify(open.errors)).toBe(true);
      expect(open(wider), JSON.stringify(open.errors)).toBe(true);
    },
  );
});
