// Real `apply --json` and `validate --json` output validates against its schema, checked closed:
// a property the schema does not describe fails (src/generated/validate-*.js, scripts/generate.mjs).
import { mkdir, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import validateApply from "../../src/generated/validate-apply.js";
import validateValidateOutput from "../../src/generated/validate-validate-output.js";
import type { ApplyOutput } from "../../src/generated/apply-types.js";
import type { ValidateOutput } from "../../src/generated/validate-output-types.js";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const MiB = 1024 * 1024;
let dir = "";
let manifest = "";

function expectValid(validate: typeof validateApply, document: unknown): void {
  expect(validate(document), JSON.stringify(validate.errors, null, 2)).toBe(true);
}

beforeAll(async () => {
  dir = await tempDir("volplan-cli-json-");
  const images = path.join(dir, "images");
  await mkdir(images);
  // Bigger than declared: a refusal (shrink) in the plan and in the report.
  await writeFile(path.join(images, "big.img"), "");
  await truncate(path.join(images, "big.img"), 128 * MiB);
  manifest = path.join(dir, "m.json");
  const volume = (file: string, type: string) => ({
    path: path.join(images, file),
    size: "64MiB",
    format: { type },
    owner: process.getuid?.() ?? 0,
    group: process.getgid?.() ?? 0,
  });
  const content = {
    version: 1,
    stateDir: path.join(dir, "state"),
    volumes: {
      "a/raw": volume("raw.img", "none"),
      "a/ext4": volume("ext4.img", "ext4"),
      "a/big": volume("big.img", "none"),
    },
    // Port 9 (discard) refuses the connection: a failed step with an error code.
    artifacts: {
      k: {
        urls: ["http://127.0.0.1:9/k.tar.gz"],
        hash: `sha256-${Buffer.alloc(32).toString("base64")}`,
      },
    },
  };
  await writeFile(manifest, `${JSON.stringify(content)}\n`);
});

describe("apply --json", () => {
  it("with --dry-run: the plan and a null report", async () => {
    const result = await volplan(["apply", "--dry-run", "--json", "--manifest", manifest]);
    expect(result.exitCode).toBe(3);
    const document = JSON.parse(result.stdout) as ApplyOutput;
    expectValid(validateApply, document);
    expect(document).toMatchObject({ format_version: 1, report: null });
  });

  it("applied: every result kind the run produced, refusals and errors included", async () => {
    const result = await volplan(["apply", "--json", "--manifest", manifest]);
    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout) as ApplyOutput;
    expectValid(validateApply, document);
    const results = document.report?.results ?? [];
    expect(results.map((r) => [r.subject, r.status])).toEqual(
      expect.arrayContaining([
        ["a/raw", "done"],
        ["a/ext4", "done"],
        ["a/big", "refused"],
        ["k", "failed"],
      ]),
    );
    expect(results.find((r) => r.subject === "a/big")).toMatchObject({ refusal: "shrink" });
    expect(results.find((r) => r.subject === "k")?.error?.code).toBe("ARTIFACT_DOWNLOAD_FAILED");
    expect(document.report?.totals).toEqual({
      done: 2,
      failed: 1,
      skipped: 0,
      refused: 1,
      unchanged: 0,
    });
  });
});

describe("validate --json", () => {
  it("describes valid and invalid files", async () => {
    const bad = path.join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ version: 1, volumes: { v: { size: "1GiB" } } }));
    const result = await volplan(["validate", "--json", manifest, bad]);
    expect(result.exitCode).toBe(1);
    const document = JSON.parse(result.stdout) as ValidateOutput;
    expectValid(validateValidateOutput, document);
    expect(document.valid).toBe(false);
    expect(document.files.map((f) => [f.file, f.valid])).toEqual([
      [manifest, true],
      [bad, false],
    ]);
    expect(document.files[1]?.issues[0]).toMatchObject({
      severity: "error",
      pointer: "/volumes/v/path",
    });
  });
});
