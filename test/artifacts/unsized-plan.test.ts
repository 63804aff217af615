import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import { volplan } from "../cli/volplan.js";
import { digest } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

let manifest: string;

beforeAll(async () => {
  const stateDir = await tempDir("volplan-state-");
  manifest = path.join(await tempDir("volplan-manifest-"), "manifest.json");
  const { sri } = digest(Buffer.from("a kexec tarball stand-in\n"));
  await writeFile(
    manifest,
    JSON.stringify({
      version: 1,
      stateDir,
      artifacts: { kexec: { urls: ["https://example.org/k.tar.gz"], hash: sri } },
    }),
  );
});

describe("an artifact without a declared size in the plan", () => {
  it("text: the download and the space table say size unknown, not 0 B", async () => {
    const run = await volplan(["plan", "--manifest", manifest]);
    expect(run.stdout).toMatch(
      /\+ artifact kexec .* download \(size unknown\) from https:\/\/example\.org\/k\.tar\.gz/,
    );
    // filesystem, free, needed, reserve, remaining
    expect(run.stdout).toMatch(/^ {2}\S.* +[\d.]+ \w+ +unknown +[\d.]+ \w+ +[\d.]+ \w+$/m);
    expect(run.stdout).toContain(
      "note: size unknown: artifact kexec (not in needed; declare size to budget it)",
    );
  });

  it("Markdown: needed is unknown, with the note", async () => {
    const run = await volplan(["plan", "--markdown", "--manifest", manifest]);
    expect(run.stdout).toMatch(/^\| `[^`]+` \| [\d.]+ \w+ \| unknown \| /m);
    expect(run.stdout).toContain(
      "size unknown: artifact kexec (not in needed; declare size to budget it)",
    );
  });

  it("JSON: the action's consumption says size_unknown, and the plan still matches its schema", async () => {
    const run = await volplan(["plan", "--json", "--manifest", manifest]);
    const plan = JSON.parse(run.stdout) as { actions: { kind: string; consumes: unknown }[] };
    const fetch = plan.actions.find((a) => a.kind === "artifact-fetch");
    expect(fetch?.consumes).toMatchObject({ bytes: 0, size_unknown: true });
    expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
  });
});
