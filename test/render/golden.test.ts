// Golden files of the three plan views. After an intended change to a view, regenerate them with
//   UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts
// and review the diff of test/golden/ before committing.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { renderText } from "../../src/render/text.js";
import { samplePlan } from "./sample-plan.js";

const goldenDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../golden");
const update = process.env["UPDATE_GOLDEN"] === "1";

async function expectGolden(name: string, actual: string): Promise<void> {
  const file = path.join(goldenDir, name);
  if (update) await writeFile(file, actual);
  expect(actual).toBe(await readFile(file, "utf8"));
}

describe("golden plan views", () => {
  it("text matches test/golden/plan.txt", async () => {
    const text = renderText(samplePlan(), { color: false, verbose: true, space: true });
    await expectGolden("plan.txt", text);
  });

  it("JSON matches test/golden/plan.json", async () => {
    await expectGolden("plan.json", renderJson(samplePlan()));
  });

  it("Markdown matches test/golden/plan.md", async () => {
    const markdown = renderMarkdown(samplePlan(), { title: "volplan plan", space: true });
    await expectGolden("plan.md", markdown);
  });
});
