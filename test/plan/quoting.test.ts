// Escaping and quoting of what volplan prints and suggests: control characters, shell words, Nix strings.
import { execa } from "execa";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeControls, escapeLines, hasControls } from "../../src/text/escape-controls.js";
import { nixString } from "../../src/text/nix-string.js";
import { plan } from "../../src/plan/plan.js";
import { shellCommand, shellQuote } from "../../src/text/shell-quote.js";
import { evalJson, nixAvailable } from "../nix/nix-tool.js";
import { desiredState, desiredVolume, foundFs, observedFile, snapshotWith } from "./builders.js";

// Words a hostile manifest or guest could put in a path or label.
const HOSTILE = [
  "my root",
  "it's",
  "a\u001b[31mred\u001b[0m",
  "line\nbreak",
  "cr\rreturn",
  "$(touch /tmp/pwned)",
  "`id`",
  "a;b|c&d>e<f",
  "~root",
  "#comment",
  "back\\slash",
  "tab\there",
  "del\u007f c1\u009b[2J",
  "bidi\u202eevil",
  "-n",
  "*",
  "!x",
  "ünïcödé",
  "",
];

/**
 * The arguments bash sees for a command line (printed NUL-separated by printf), in the C locale
 * (as root's shell may be) and in a UTF-8 one: both must see the same words.
 */
async function bashWords(commandLine: string): Promise<string[]> {
  const seen: string[][] = [];
  for (const locale of ["C", "C.UTF-8"]) {
    const { stdout } = await execa("bash", ["-c", `printf '%s\\0' ${commandLine}`], {
      timeout: 10_000,
      stripFinalNewline: false,
      extendEnv: false,
      env: { LC_ALL: locale, PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
    });
    seen.push(stdout.split("\0").slice(0, -1));
  }
  expect(seen[0]).toEqual(seen[1]);
  return seen[1] ?? [];
}

describe("escapeControls", () => {
  it("shows C0, DEL, C1, separators and bidi controls as escapes and leaves the rest alone", () => {
    expect(escapeControls("a\u001b[2Jb")).toBe("a\\x1b[2Jb");
    expect(escapeControls("x\ny\rz\tw")).toBe("x\\ny\\rz\\tw");
    expect(escapeControls("\u0000\u007f\u0085\u009b")).toBe("\\x00\\x7f\\u0085\\u009b");
    expect(escapeControls("\u2028\u2029\u202e\u2066\u200f\u061c")).toBe(
      "\\u2028\\u2029\\u202e\\u2066\\u200f\\u061c",
    );
    expect(escapeControls("/var/lib/a b/ü|`\\")).toBe("/var/lib/a b/ü|`\\");
  });

  it("leaves nothing a terminal acts on, for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (text) => {
        expect(hasControls(escapeControls(text))).toBe(false);
      }),
    );
  });

  it("keeps the lines of a tool's output, each indented", () => {
    expect(escapeLines("mkfs failed\ndone\u001b[2K", "    ")).toBe("mkfs failed\n    done\\x1b[2K");
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and quotes the rest", () => {
    expect(shellCommand("chmod", "go-w", "/var/lib/microvms")).toBe("chmod go-w /var/lib/microvms");
    expect(shellQuote("my root")).toBe("'my root'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("a\u001bb")).toBe("$'a\\x1bb'");
    expect(shellQuote("")).toBe("''");
  });

  it("prints no raw control character", () => {
    for (const word of HOSTILE) expect(hasControls(shellQuote(word))).toBe(false);
  });

  it("gives bash back exactly the words it quoted", async () => {
    expect(await bashWords(shellCommand(...HOSTILE))).toEqual(HOSTILE);
  });

  it("gives dash (POSIX sh) back every word without control characters", async () => {
    const words = HOSTILE.filter((w) => !hasControls(w));
    const { stdout } = await execa("dash", ["-c", `printf '%s\\0' ${shellCommand(...words)}`], {
      timeout: 10_000,
      stripFinalNewline: false,
    });
    expect(stdout.split("\0").slice(0, -1)).toEqual(words);
  });

  it("round-trips arbitrary strings through bash", async () => {
    // NUL cannot be in an argument at all; everything else must survive.
    const words = fc.sample(
      fc.string({ unit: "binary", maxLength: 12 }).map((s) => s.replaceAll("\0", "")),
      { numRuns: 200, seed: 11 },
    );
    expect(await bashWords(shellCommand(...words))).toEqual(words);
  });
});

describe.runIf(nixAvailable)("nixString", () => {
  it("evaluates in Nix to exactly the value", async () => {
    const values = ["nixos", 'say "hi"', "${builtins.currentSystem}", "a\\b", "x\ny\tz\r", "$${"];
    const expr = `[ ${values.map(nixString).join(" ")} ]`;
    expect(await evalJson({ expr })).toEqual(values);
  });
});

describe("fixes the planner suggests", () => {
  const path = "/srv/vm dir/$(reboot).img";
  const label = "my root;`id`";

  it("quote the relabel command and the label edit", async () => {
    const volume = desiredVolume({ path, format: { label } });
    const found = foundFs(8 * 1024 ** 3, { label: "old${x}\u001b" });
    const desired = desiredState({ volumes: [volume] });
    const snapshot = snapshotWith({
      desired,
      volumes: { [volume.id]: { entry: observedFile({ filesystem: found }) } },
    });
    const [refusal] = plan(desired, snapshot).actions;
    expect(refusal).toMatchObject({ kind: "refuse", refusal: "label-differs" });
    const fix = refusal?.kind === "refuse" ? refusal.fix : "";
    const command = shellCommand("e2label", path, label);
    expect(fix).toContain(`(${command})`);
    expect(await bashWords(command)).toEqual(["e2label", path, label]);
    expect(fix).toContain('set format.label = "old\\${x}\u001b"');
  });

  it("quote chown and chmod of an unsafe parent", () => {
    const dir = "/srv/vm dir";
    const volume = desiredVolume({ path });
    const desired = desiredState({ volumes: [volume] });
    const snapshot = snapshotWith({
      desired,
      volumes: {
        [volume.id]: { pathProblem: { code: "unsafe-parent", at: dir, detail: "mode 0777" } },
      },
    });
    const [refusal] = plan(desired, snapshot).actions;
    const fix = refusal?.kind === "refuse" ? refusal.fix : "";
    expect(fix).toContain("(chown root '/srv/vm dir'; chmod go-w '/srv/vm dir')");
  });
});
