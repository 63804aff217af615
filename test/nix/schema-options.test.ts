import { execa } from "execa";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { nixAvailable, repoRoot, runNix } from "./nix-tool.js";

type Tree = { [name: string]: Tree | null };
interface SchemaNode {
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  $ref?: string;
}

const schema = JSON.parse(
  await readFile(path.join(repoRoot, "schema/manifest.schema.json"), "utf8"),
) as SchemaNode & { definitions: Record<string, SchemaNode> };

// Options the module adds beside the manifest's own properties.
const MODULE_ONLY: Tree = {
  enable: null,
  package: null,
  validatePackage: null,
  applyOnActivation: null,
  microvm: {
    enable: null,
    owner: null,
    group: null,
    mode: null,
    vms: { "*": { enable: null, owner: null, group: null, mode: null } },
  },
  manifest: null,
  manifestFile: null,
};
// Manifest properties that are not options: the version is fixed, $schema is for editors.
const NOT_OPTIONS = new Set(["version", "$schema"]);

function resolve(node: SchemaNode): SchemaNode {
  if (!node.$ref) return node;
  const name = node.$ref.replace("#/definitions/", "");
  const target = schema.definitions[name];
  if (!target) throw new Error(`unknown $ref ${node.$ref}`);
  return target;
}

// The option tree the schema implies: objects become subtrees, maps of objects { "*": subtree }.
function treeOf(node: SchemaNode): Tree | null {
  const target = resolve(node);
  if (target.properties) {
    return Object.fromEntries(
      Object.entries(target.properties).map(([name, child]) => [name, treeOf(child)]),
    );
  }
  if (typeof target.additionalProperties === "object") {
    const inner = treeOf(target.additionalProperties);
    return inner === null ? null : { "*": inner };
  }
  return null;
}

function expectedTree(): Tree {
  const top = treeOf(schema) ?? {};
  const manifestOptions = Object.fromEntries(
    Object.entries(top).filter(([name]) => !NOT_OPTIONS.has(name)),
  );
  return { ...manifestOptions, ...MODULE_ONLY };
}

describe("Nix options and the manifest schema", () => {
  it("nix/schema-options.nix is what scripts/nix-options.mjs generates from the schema", async () => {
    const result = await execa("node", ["scripts/nix-options.mjs", "--check"], {
      cwd: repoRoot,
      timeout: 60_000,
      reject: false,
    });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
  });

  it.skipIf(!nixAvailable)(
    "services.volplan declares exactly the schema's properties, each with a description",
    async () => {
      const result = await runNix("nix-instantiate", [
        "--eval",
        "--strict",
        "--json",
        "test/nix/option-names.nix",
      ]);
      expect(result.stderr).toBe("");
      expect(JSON.parse(result.stdout)).toEqual(expectedTree());
    },
  );

  it("the expected tree covers nested schema objects", () => {
    const tree = expectedTree();
    expect(tree.volumes).toMatchObject({ "*": { format: { type: null }, seed: { from: null } } });
    expect(tree.policy).toEqual({ reserve: null, overcommit: null });
  });
});
