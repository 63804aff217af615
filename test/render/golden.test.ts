// Golden files of the three plan views (test/golden/). A normal run compares each view with its
// file and fails on any difference; after an intended change to a view, update them with
//   npx vitest run test/render/golden.test.ts -u
// and review the diff of test/golden/ before committing.
import { describe, expect, it } from "vitest";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { renderText } from "../../src/render/text.js";
import { samplePlan } from "./sample-plan.js";

describe("golden plan views", () => {
  it("text matches test/golden/plan.txt", async () => {
    const text = renderText(samplePlan(), { color: false, verbose: true, space: true });
    await expect(text).toMatchFileSnapshot("../golden/plan.txt");
  });

  it("JSON matches test/golden/plan.json", async () => {
    await expect(renderJson(samplePlan())).toMatchFileSnapshot("../golden/plan.json");
  });

  it("Markdown matches test/golden/plan.md", async () => {
    const markdown = renderMarkdown(samplePlan(), { title: "volplan plan", space: true });
    await expect(markdown).toMatchFileSnapshot("../golden/plan.md");
  });
});
