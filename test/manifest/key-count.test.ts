import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { scanJson } from "../../src/manifest/json-scan.js";
import { keysAreUnique, keysInText, keysInValue } from "../../src/manifest/key-count.js";

describe("key counts", () => {
  it.each([
    ['{"a":1,"b":{"c":[{"d":null}]}}', 4],
    ['{"a:b":"c:d","e\\":":"\\\\","f":[":",{"g":"\\"x:"}]}', 4],
    ['{"__proto__":1,"x":{}}', 2],
    ["[1,2,[]]", 0],
    ['"a:b"', 0],
  ])("counts the keys of %s", (text, keys) => {
    expect(keysInText(text)).toBe(keys);
    expect(keysInValue(JSON.parse(text))).toBe(keys);
  });

  it.each([
    '{"a":1,"a":2}',
    '{"v":{"x":{"k":1,"k":1}}}',
    '[{"a":1},{"b":1,"b":2}]',
    '{"a\\u0062":1,"ab":2}',
    '{"a":"x:y","a":1}',
  ])("sees the repeated key in %s", (text) => {
    expect(keysAreUnique(text, JSON.parse(text))).toBe(false);
  });

  it("needs no repeated key to differ from the count of colons", () => {
    const text = '{"url":"https://x","b":1}';
    expect(keysAreUnique(text, JSON.parse(text))).toBe(true);
  });

  it("agrees with the full scan on arbitrary JSON, repeated keys included", () => {
    const keys = fc.constantFrom("a", "b", 'q"', "c:d", "\\", "é", "__proto__");
    const value = fc.letrec<{ value: string }>((tie) => ({
      value: fc.oneof(
        { depthSize: "small" },
        fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify(v)),
        fc
          .array(fc.tuple(keys, tie("value")), { maxLength: 4 })
          .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)} : ${v}`).join(",")}}`),
        fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(",")}]`),
      ),
    })).value;
    fc.assert(
      fc.property(value, (text) => {
        const unique = scanJson(text).duplicates.length === 0;
        expect(keysAreUnique(text, JSON.parse(text))).toBe(unique);
      }),
      { numRuns: 500 },
    );
  });
});
