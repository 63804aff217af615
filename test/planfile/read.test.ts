// A saved plan is read as hostile input: only its parts apply reads must have their types.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readPlanFile } from "../../src/planfile/planfile.js";
import { useTempDir } from "../helpers/temp-dir.js";

const scratch = useTempDir();
const manifest = { version: 1, volumes: {} };
const action = { kind: "no-change", volume: "v", path: "/v.img", reason: "as declared" };

async function read(content: unknown) {
  const file = path.join(scratch.dir, "plan.json");
  await writeFile(file, typeof content === "string" ? content : JSON.stringify(content), {
    mode: 0o600,
  });
  return readPlanFile(file);
}

describe("readPlanFile", () => {
  it("reads a plan with its manifest and selectors", async () => {
    const saved = await read({ format_version: 1, actions: [action], manifest, only: ["volumes"] });
    expect(saved.only).toEqual(["volumes"]);
    expect(saved.plan.actions).toEqual([action]);
  });

  it.each([
    { what: "not JSON", content: "{", message: "is not JSON" },
    { what: "a manifest", content: manifest, message: "is a manifest, not a saved plan" },
    {
      what: "another format",
      content: { format_version: 2, actions: [] },
      message: "format_version is not 1",
    },
    {
      what: "actions not a list",
      content: { format_version: 1, actions: {}, manifest },
      message: "actions is not a list",
    },
    {
      what: "an action without a kind",
      content: { format_version: 1, actions: [action, { volume: "v", reason: "x" }], manifest },
      message: "actions/1 has no kind",
    },
    {
      what: "selectors that are not strings",
      content: { format_version: 1, actions: [], manifest, only: [1] },
      message: "only is not a list of selectors",
    },
    {
      what: "no manifest",
      content: { format_version: 1, actions: [] },
      message: "embeds no manifest",
    },
    {
      what: "an invalid embedded manifest",
      content: { format_version: 1, actions: [], manifest: { version: 1, volumes: { v: {} } } },
      message: "the embedded manifest is not valid",
    },
  ])("refuses $what", async ({ content, message }) => {
    await expect(read(content)).rejects.toMatchObject({
      code: "PLAN_FILE_INVALID",
      message: expect.stringContaining(message),
    });
  });
});
