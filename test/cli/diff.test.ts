// `volplan diff OLD NEW`: manifest changes planned against the host OLD describes, without touching any host.
import path from "node:path";
import { describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import type { Plan } from "../../src/plan/types.js";
import { ROOT, volplan } from "./volplan.js";

const fixtures = path.join(ROOT, "test", "cli", "fixtures", "diff");
const OLD = path.join(fixtures, "old.json");

function fixture(name: string): string {
  return path.join(fixtures, `${name}.json`);
}

async function diffJson(name: string): Promise<{ exitCode: number; plan: Plan }> {
  const result = await volplan(["diff", OLD, fixture(name), "--json", "--detailed-exitcode"]);
  const plan = JSON.parse(result.stdout) as Plan;
  expect(validatePlan(plan), JSON.stringify(validatePlan.errors)).toBe(true);
  expect(plan.filesystems).toEqual([]);
  return { exitCode: result.exitCode, plan };
}

function kinds(plan: Plan, volume: string): string[] {
  return plan.actions
    .filter((a) => "volume" in a && a.volume === volume)
    .map((a) => (a.kind === "refuse" ? `refuse:${a.refusal}` : a.kind));
}

describe("volplan diff", () => {
  it("finds no changes between a manifest and itself", async () => {
    const result = await volplan(["diff", OLD, OLD, "--detailed-exitcode"]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("No changes. 3 volumes and 1 artifact match the manifest.\n");
  });

  it("names owners and groups as the manifests do (no made-up ids)", async () => {
    const result = await volplan(["diff", fixture("owned-old"), fixture("owned-new")]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("owner microvm → root, mode 0660 → 0600");
    expect(result.stdout).not.toMatch(/owner \d+/);
  });

  it("plans growth when a size is raised (exit 2)", async () => {
    const { exitCode, plan } = await diffJson("grow");
    expect(exitCode).toBe(2);
    expect(kinds(plan, "web/root")).toEqual(["grow-image", "grow-filesystem"]);
    const text = await volplan(["diff", OLD, fixture("grow")]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^ {2}~ web\/root +\/srv\/vm\/web\/root\.img +8 GiB → 20 GiB/m);
    expect(text.stdout).not.toContain("Space by host filesystem");
  });

  it("refuses a shrink (exit 3)", async () => {
    const { exitCode, plan } = await diffJson("shrink");
    expect(exitCode).toBe(3);
    expect(kinds(plan, "web/data")).toEqual(["refuse:shrink"]);
    const text = await volplan(["diff", OLD, fixture("shrink")]);
    expect(text.exitCode).toBe(3);
    expect(text.stdout).toMatch(/^ {2}! web\/data .*refused \(shrink\)/m);
  });

  it("refuses a filesystem type change (exit 3)", async () => {
    const { exitCode, plan } = await diffJson("type-change");
    expect(exitCode).toBe(3);
    expect(kinds(plan, "web/data")).toEqual(["refuse:type-differs"]);
  });

  it("warns about a removed volume and never deletes it", async () => {
    const { exitCode, plan } = await diffJson("removed");
    expect(exitCode).toBe(0);
    expect(plan.warnings).toContainEqual(
      expect.objectContaining({ code: "volume-removed", subject: "db/swap" }),
    );
    expect(plan.warnings).toContainEqual(
      expect.objectContaining({ code: "artifact-removed", subject: "kexec" }),
    );
    expect(kinds(plan, "db/swap")).toEqual([]);
    expect(plan.actions.filter((a) => "artifact" in a)).toEqual([]);
    const text = await volplan(["diff", OLD, fixture("removed")]);
    expect(text.stdout).toContain("volume-removed (db/swap)");
  });

  it("creates a new volume (exit 2)", async () => {
    const { exitCode, plan } = await diffJson("added");
    expect(exitCode).toBe(2);
    expect(kinds(plan, "web/cache")).toEqual(["create"]);
    const md = await volplan(["diff", OLD, fixture("added"), "--markdown"]);
    expect(md.stdout).toMatch(/^### volplan diff: 1 to create/);
    expect(md.stdout).not.toContain("#### Space");
  });

  it("needs exactly two files", async () => {
    const result = await volplan(["diff", OLD]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("diff takes two manifest files, OLD and NEW, got 1");
  });
});
