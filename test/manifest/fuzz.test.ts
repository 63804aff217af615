import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseManifestText, type LoadResult } from "../../src/manifest/load.js";

const validDir = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  "../fixtures/manifests/valid",
);
const bases = await Promise.all(
  (await readdir(validDir))
    .sort()
    .map(async (name) => JSON.parse(await readFile(path.join(validDir, name), "utf8")) as unknown),
);

// The contract at the boundary: no exception, and either a manifest or issues a person can act on.
function assertWellFormed(result: LoadResult): void {
  if (result.ok) {
    expect(JSON.parse(JSON.stringify(result.desired))).toEqual(result.desired);
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.pointer === "" || issue.pointer.startsWith("/")).toBe(true);
    expect(issue.message).not.toBe("");
    expect(issue.fix).not.toBe("");
  }
}

// Every path (as segments) to a value inside a JSON value, the root included.
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const found = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => found.push(...paths(item, [...prefix, i])));
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) found.push(...paths(item, [...prefix, key]));
  }
  return found;
}

function deepNesting(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

const nasty = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    1e300,
    -1,
    0,
    0.5,
    2 ** 53,
    -(2 ** 63),
    1e-300,
    "",
    "\u0000",
    "../..",
    "/a/../b",
    "\n",
    "0666",
  ),
  fc.constantFrom(
    "9007199254740993",
    "1.5B",
    "99999999999999999999PiB",
    "sha256-",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "\u202e\ufeff",
  ),
  fc.string({ unit: "binary", maxLength: 40 }),
  // Deeper values cannot be written with JSON.stringify; text nesting is tested below.
  fc.integer({ min: 1, max: 1000 }).map(deepNesting),
);

const mutation = fc.record({
  base: fc.nat(bases.length - 1),
  target: fc.nat(),
  kind: fc.constantFrom("drop", "replace", "add", "duplicate"),
  value: nasty,
  key: fc.oneof(
    fc.constantFrom("size", "path", "sise", "version", "urls", "hash", "~/"),
    fc.string({ maxLength: 8 }),
  ),
});

// Applies one mutation; returns manifest text (duplicate keys can only be written as text).
function mutate(input: MutationInput): string {
  const data = structuredClone(bases[input.base]);
  const all = paths(data);
  const at = all[input.target % all.length]!;
  const parent = at
    .slice(0, -1)
    .reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], data);
  const last = at[at.length - 1];
  if (last === undefined || typeof parent !== "object" || parent === null)
    return JSON.stringify(input.value);
  const record = parent as Record<string | number, unknown>;
  if (input.kind === "drop") delete record[last];
  else if (input.kind === "replace") record[last] = input.value;
  else if (input.kind === "add" && !Array.isArray(parent)) record[input.key] = input.value;
  const text = JSON.stringify(data);
  if (input.kind !== "duplicate") return text;
  // Repeat the first member of the object holding the target, as a hand-edited file might.
  const member = `${JSON.stringify(String(last))}:${JSON.stringify(input.value)},`;
  const index = text.indexOf("{", input.target % Math.max(1, text.length));
  return index < 0 ? text : text.slice(0, index + 1) + member + text.slice(index + 1);
}

interface MutationInput {
  base: number;
  target: number;
  kind: "drop" | "replace" | "add" | "duplicate";
  value: unknown;
  key: string;
}

describe("parseManifestText on hostile input", () => {
  it("never throws on random JSON values (600 cases)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        assertWellFormed(parseManifestText(JSON.stringify(value) ?? "null", "fuzz.json"));
      }),
      { numRuns: 600 },
    );
  });

  it("never throws on corrupted JSON text (600 cases)", () => {
    const text = fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value) ?? "null"),
      fc.nat(bases.length - 1).map((i) => JSON.stringify(bases[i], null, 2)),
    );
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat(4),
      insert: fc.string({ unit: "binary", maxLength: 4 }),
    });
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 4 }), (source, edits) => {
        let corrupted = source;
        for (const { at, remove, insert } of edits) {
          const i = at % (corrupted.length + 1);
          corrupted = corrupted.slice(0, i) + insert + corrupted.slice(i + remove);
        }
        assertWellFormed(parseManifestText(corrupted, "fuzz.json"));
      }),
      { numRuns: 600 },
    );
  });

  it("never throws on mutated valid manifests (1000 cases)", () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (mutations) => {
        for (const input of mutations)
          assertWellFormed(parseManifestText(mutate(input), "fuzz.json"));
      }),
      { numRuns: 1000 },
    );
  });

  it("never throws on deeply nested text anywhere in a manifest (64 cases)", () => {
    const place = fc.constantFrom(
      (deep: string) => deep,
      (deep: string) => `{"version":1,"volumes":{"a":${deep}}}`,
      (deep: string) => `{"version":1,"volumes":{"a":{"path":"/a","size":${deep}}}}`,
      (deep: string) => `{"version":1,"artifacts":{"k":{"urls":${deep}}},"x":${deep}}`,
    );
    const depth = fc.integer({ min: 1000, max: 200_000 });
    fc.assert(
      fc.property(place, depth, fc.boolean(), (wrap, n, closed) => {
        const deep = "[".repeat(n) + (closed ? "]".repeat(n) : "");
        assertWellFormed(parseManifestText(wrap(deep), "deep.json"));
      }),
      { numRuns: 64 },
    );
  });
});
