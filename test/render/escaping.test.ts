// Hostile text in plans (from a pull request's manifest or from a guest's filesystem) cannot
// drive the terminal, forge lines, or inject cells, links or HTML into the Markdown CI comment.
import { describe, expect, it } from "vitest";
import type { ApplyReport } from "../../src/apply/report.js";
import { diffManifests } from "../../src/reconcile/diff.js";
import { parseManifestText } from "../../src/manifest/load.js";
import { escapeControls } from "../../src/text/escape-controls.js";
import { plan } from "../../src/plan/plan.js";
import type { Plan } from "../../src/plan/types.js";
import { renderJson } from "../../src/render/json.js";
import { renderMarkdown } from "../../src/render/markdown.js";
import { renderReportText } from "../../src/render/report-text.js";
import { renderText } from "../../src/render/text.js";
import {
  desiredState,
  desiredVolume,
  foundFs,
  observedFile,
  snapshotWith,
} from "../plan/builders.js";

const PATH = "/srv/vm/a|b`c``d<img src=x onerror=alert(1)>&amp;[x](javascript:e)*e*.img";
const LABEL = "a\u001b[31mX\nY|<b>~~s~~$x$\u009b2J";
const ESC = "\u001b";

function manifest(volumes: Record<string, unknown>): string {
  return JSON.stringify({ version: 1, stateDir: "/var/lib/volplan", volumes });
}

function hostileDiff(): Plan {
  const old = parseManifestText(manifest({}), "old.json");
  const next = parseManifestText(
    manifest({ "web/root": { path: PATH, size: "1GiB", format: { type: "btrfs", label: LABEL } } }),
    "new.json",
  );
  if (!old.ok || !next.ok) throw new Error("the test manifests must be valid");
  return diffManifests(old.desired, next.desired);
}

// A refusal whose found label and fix come from a guest's filesystem.
function hostileRefusal(): Plan {
  const volume = desiredVolume({ path: PATH, format: { label: "nixos" } });
  const desired = desiredState({ volumes: [volume] });
  const found = foundFs(8 * 1024 ** 3, { label: `x|y\n| \`z\` | <img src=q> |` });
  const snapshot = snapshotWith({
    desired,
    volumes: { [volume.id]: { entry: observedFile({ filesystem: found }) } },
  });
  return plan(desired, snapshot);
}

// GitHub (cmark-gfm) splits a row at every "|" not directly preceded by a backslash, then drops
// that one backslash from each escaped pipe.
function rowCells(row: string): string[] {
  expect(row.startsWith("| ") && row.endsWith(" |")).toBe(true);
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim().replaceAll("\\|", "|"));
}

// What a code span shows: its content between equal fences, one pair of padding spaces removed.
function codeSpanText(span: string): string {
  const fence = /^`+/.exec(span)?.[0] ?? "";
  expect(fence).not.toBe("");
  expect(span.endsWith(fence) && span.length > 2 * fence.length).toBe(true);
  const inner = span.slice(fence.length, -fence.length);
  expect(inner.includes(fence) && new RegExp(`(?<!\`)${fence}(?!\`)`).test(inner)).toBe(false);
  const padded = inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== "";
  return padded ? inner.slice(1, -1) : inner;
}

// What CommonMark shows for free text that must contain no markup: backslash escapes resolved;
// an unescaped markup character fails the test ("|" is plain text once a cell is split off).
function plainText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const next = text.charAt(i + 1);
    if (char === "\\" && /[!-/:-@[-`{-~]/.test(next)) {
      out += next;
      i++;
      continue;
    }
    expect(`${char} at ${i} of ${text}`).not.toMatch(/^[\\`*_[\]<>&~$] /);
    out += char;
  }
  return out;
}

describe("Markdown view (diff --markdown for a CI comment)", () => {
  it("keeps a hostile path in one cell, shown exactly, and the label as text", () => {
    const markdown = renderMarkdown(hostileDiff(), { title: "volplan diff", space: false });
    const rows = markdown.split("\n").filter((line) => line.startsWith("| `+`"));
    expect(rows).toHaveLength(1);
    const cells = rowCells(rows[0] ?? "");
    expect(cells).toHaveLength(4);
    expect(codeSpanText(cells[1] ?? "")).toBe("web/root");
    expect(codeSpanText(cells[2] ?? "")).toBe(PATH);
    expect(plainText(cells[3] ?? "")).toBe(
      `new 1 GiB btrfs ${escapeControls(JSON.stringify(LABEL))} image (sparse)`,
    );
    expect(markdown).not.toContain(ESC);
    expect(markdown).not.toContain("\u009b");
  });

  it("keeps a guest's label in the refusal's cell and list items as text", () => {
    const result = hostileRefusal();
    const markdown = renderMarkdown(result, { title: "volplan plan", space: true });
    const row = markdown.split("\n").find((line) => line.startsWith("| `!`")) ?? "";
    const cells = rowCells(row);
    expect(cells).toHaveLength(4);
    const refusal = result.actions.find((a) => a.kind === "refuse");
    if (refusal?.kind !== "refuse") throw new Error("expected a refusal");
    const detail = `refused (label-differs): found ${refusal.found}; declared ${refusal.declared}`;
    expect(plainText(cells[3] ?? "")).toBe(escapeControls(detail));
    const fixLine = markdown.split("\n").find((line) => line.startsWith("  - **Fix:** ")) ?? "";
    expect(plainText(fixLine.slice("  - **Fix:** ".length))).toBe(escapeControls(refusal.fix));
    const item = markdown.split("\n").find((line) => line.startsWith("- `web/root` ")) ?? "";
    const span = /^- `web\/root` (`+ ?.*? ?`+): /.exec(item)?.[1] ?? "";
    expect(codeSpanText(span)).toBe(PATH);
  });

  it("shows a path with backticks exactly instead of turning them into quotes", () => {
    const markdown = renderMarkdown(hostileRefusal(), { title: "volplan plan", space: false });
    expect(markdown).toContain("| ```/srv/vm/a\\|b`c``d<img");
    expect(markdown).toContain("- `web/root` ```/srv/vm/a|b`c``d<img");
    expect(markdown).not.toContain("a|b'c");
  });
});

describe("text view", () => {
  it("prints control characters of labels and paths as escapes, on one line", () => {
    const text = renderText(hostileDiff(), { color: false, verbose: true, space: false });
    expect(text).not.toContain(ESC);
    expect(text).not.toContain("\u009b");
    const line = text.split("\n").find((l) => l.startsWith("  + web/root")) ?? "";
    expect(line).toContain(`btrfs "a\\u001b[31mX\\nY|<b>~~s~~$x$\\u009b2J"`);
    expect(line).toContain(PATH);
  });

  it("escapes what a guest wrote into its label in the refusal and fix lines", () => {
    const text = renderText(hostileRefusal(), { color: false, verbose: false, space: false });
    const lines = text.split("\n");
    expect(lines.filter((l) => l.startsWith("  ! web/root"))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("      fix: "))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith("| "))).toHaveLength(0);
  });
});

describe("apply report", () => {
  it("escapes paths and messages, and indents every line of a tool's output", () => {
    const report: ApplyReport = {
      durationMs: 5,
      totals: { done: 0, failed: 1, skipped: 0, refused: 0, unchanged: 0 },
      results: [
        {
          kind: "create",
          subject: "web/root",
          path: "/srv/vm/x\u001b[2J.img",
          status: "failed",
          durationMs: 5,
          error: {
            code: "COMMAND_FAILED",
            message: "`mkfs.ext4 …` exited with status 1: bad\ndone     create  web/db\u001b[1A",
          },
        },
      ],
    };
    const text = renderReportText(report, { color: false, verbose: false });
    expect(text).not.toContain(ESC);
    const lines = text.split("\n");
    expect(lines[0]).toContain("/srv/vm/x\\x1b[2J.img");
    expect(lines[2]).toBe("    done     create  web/db\\x1b[1A [COMMAND_FAILED]");
    expect(lines.filter((l) => l.startsWith("done"))).toHaveLength(0);
  });
});

describe("JSON view", () => {
  it("escapes DEL, C1 and bidi controls that JSON.stringify leaves raw, and parses back the same", () => {
    const result = hostileDiff();
    const json = renderJson(result);
    expect(json).not.toMatch(/[\u007f-\u009f\u202e]/);
    expect(json).toContain("\\u009b");
    expect(JSON.parse(json)).toEqual(result);
  });
});
