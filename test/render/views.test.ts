// Behaviour of the plan views beyond the golden files: colours, verbosity, summaries, agreement with the JSON.
import { describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import { changeLines } from "../../src/render/change-lines.js";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { summaryLine } from "../../src/render/summary.js";
import { renderText } from "../../src/render/text.js";
import { noOpPlan, samplePlan } from "./sample-plan.js";

const ESC = "\u001b[";

describe("renderJson", () => {
  it("prints the plan exactly and validates against schema/plan.schema.json", () => {
    const plan = samplePlan();
    const parsed: unknown = JSON.parse(renderJson(plan));
    expect(parsed).toEqual(plan);
    const valid = validatePlan(parsed);
    expect(validatePlan.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });
});

describe("renderText", () => {
  it("marks each line with its symbol and shows old → new", () => {
    const text = renderText(samplePlan(), { color: false, verbose: false, space: true });
    expect(text).toMatch(
      /^ {2}~ web\/root +\/var\/lib\/microvms\/web\/root\.img +8 GiB → 20 GiB \(ext4 grown by the host\)$/m,
    );
    expect(text).toMatch(/^ {2}\+ db\/data .*new 40 GiB ext4 "data" image \(sparse\)$/m);
    expect(text).toMatch(
      /^ {2}- web\/root .*\.root\.img\.volplan-tmp-4242-0badf00d .*frees 300 MiB/m,
    );
    expect(text).toMatch(/^ {2}! db\/log .*refused \(shrink\)/m);
    expect(text).toMatch(/^ {6}fix: Set size = "8GiB"/m);
    expect(text).toContain("short by 575 MiB");
    expect(text).toContain("needs space: web/nix seed 1.5 GiB, db/data create 12 MiB");
    expect(text).toContain(
      "Plan: 2 to create, 1 to fetch, 2 to grow, 2 to change, 2 unchanged, 3 refused.",
    );
  });

  it("counts unchanged volumes unless --verbose lists them", () => {
    const quiet = renderText(samplePlan(), { color: false, verbose: false, space: true });
    const verbose = renderText(samplePlan(), { color: false, verbose: true, space: true });
    expect(quiet).not.toMatch(/^ {2}= /m);
    expect(quiet).toContain("2 unchanged not shown");
    expect(verbose).toMatch(/^ {2}= db\/swap .*2 GiB, as declared$/m);
  });

  it("folds warnings every run repeats into one short line unless --verbose", () => {
    const quiet = renderText(samplePlan(), { color: false, verbose: false, space: true });
    const verbose = renderText(samplePlan(), { color: false, verbose: true, space: true });
    const folded = quiet.split("\n").filter((l) => l.includes("filesystem-smaller-than-image"));
    expect(folded).toEqual([
      "  warning filesystem-smaller-than-image (db/data, web/root): the filesystem does not fill the image yet; the guest grows it (--verbose says how)",
    ]);
    expect(verbose).toContain("spans 8 GiB of the image's 12 GiB");
    expect(verbose).toContain("spans 4 GiB of the image's 6 GiB");
    expect(quiet).toContain("warning no-reflink (web/nix): /srv/vm (tmpfs) cannot reflink");
  });

  it("names a filesystem in a warning by its mount point, not its device id", () => {
    const text = renderText(samplePlan(), { color: false, verbose: false, space: true });
    const md = renderMarkdown(samplePlan(), { title: "volplan plan", space: true });
    expect(text).toContain("  warning overcommit (/srv/vm): sparse volumes on /srv/vm");
    expect(md).toContain("- **overcommit** `/srv/vm`: sparse volumes on /srv/vm");
    expect(`${text}${md}`).not.toMatch(/\(0:52\)|`0:52`/);
  });

  it("names the base of a seed once", () => {
    const text = renderText(samplePlan(), { color: false, verbose: false, space: true });
    const line = text.split("\n").find((l) => l.includes("web/nix") && l.includes("new 10 GiB"));
    expect(line).toMatch(
      /new 10 GiB hole-preserving copy of \/nix\/store\/bbbb-base\.img \(1\.5 GiB allocated\)$/,
    );
    expect(line?.split("bbbb-base.img").length).toBe(2);
  });

  it("uses escape codes only when colour is on", () => {
    expect(renderText(samplePlan(), { color: false, verbose: true, space: true })).not.toContain(
      ESC,
    );
    expect(renderText(samplePlan(), { color: true, verbose: true, space: true })).toContain(
      `${ESC}32m+`,
    );
  });

  it("omits the space table when asked (diff)", () => {
    const text = renderText(samplePlan(), { color: false, verbose: false, space: false });
    expect(text).not.toContain("Space by host filesystem");
    expect(text).not.toContain("short by");
  });

  it("says there is nothing to do when every volume matches", () => {
    const text = renderText(noOpPlan(), { color: false, verbose: false, space: true });
    expect(text).toBe("No changes. 2 volumes match the manifest.\n");
  });
});

describe("views agree with the JSON", () => {
  it("every action's subject and path appears in the text and Markdown views", () => {
    const plan = samplePlan();
    const text = renderText(plan, { color: false, verbose: true, space: true });
    const markdown = renderMarkdown(plan, { title: "volplan plan", space: true });
    for (const action of plan.actions) {
      const subject = "volume" in action ? action.volume : `artifact ${action.artifact}`;
      expect(text).toContain(subject);
      expect(text).toContain(action.path);
      expect(markdown).toContain(action.path);
    }
    for (const warning of plan.warnings) {
      expect(text).toContain(warning.message);
      expect(markdown).toContain(warning.code);
    }
  });

  it("groups a volume's grow-image and grow-filesystem into one line", () => {
    const lines = changeLines(samplePlan().actions).filter((l) => l.subject === "web/root");
    expect(lines.map((l) => l.symbol)).toEqual(["~", "-"]);
  });

  it("has the summary the plan carries", () => {
    expect(summaryLine(noOpPlan())).toBe("No changes. 2 volumes match the manifest.");
    const plan = { ...samplePlan(), summary: { ...samplePlan().summary, fetch: 0 } };
    expect(summaryLine(plan)).toBe(
      "Plan: 2 to create, 2 to grow, 2 to change, 2 unchanged, 3 refused.",
    );
  });
});

describe("renderMarkdown", () => {
  it("has a heading, a change table, refusals with fixes and the space table, without colours", () => {
    const md = renderMarkdown(samplePlan(), { title: "volplan plan", space: true });
    expect(md.split("\n")[0]).toBe(
      "### volplan plan: 2 to create, 1 to fetch, 2 to grow, 2 to change, 2 unchanged, 3 refused",
    );
    expect(md).toContain("| :-: | --- | --- | --- |");
    expect(md).toContain("#### Refusals");
    expect(md).toContain('**Fix:** Set size = "8GiB"');
    expect(md).toContain("**short by 575 MiB**");
    expect(md).not.toContain(ESC);
  });

  it("escapes table pipes", () => {
    const plan = samplePlan();
    const actions = plan.actions.map((a) => (a.kind === "create" ? { ...a, note: "a | b" } : a));
    const md = renderMarkdown({ ...plan, actions }, { title: "t", space: false });
    expect(md).toContain("a \\| b");
  });
});
