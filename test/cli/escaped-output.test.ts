// Control characters from manifests never reach the terminal raw: validate's lines, its JSON, and error messages.
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/cli/command.js";
import { errorText } from "../../src/cli/error-text.js";
import { issueLine } from "../../src/cli/print-issues.js";
import { VolplanError } from "../../src/errors.js";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

// What a terminal would act on: C0 except the newline ending each line, DEL, C1, bidi overrides.
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/;
const BAD_ID = "a\u001b[2Jb\u009b31m\u202e";

let dir: string;
let file: string;

beforeAll(async () => {
  dir = await tempDir("volplan-escaped-");
  file = path.join(dir, "bad.json");
  const volumes = { [BAD_ID]: { path: "/srv/x\u001b[1A.img", size: 1 } };
  await writeFile(file, JSON.stringify({ version: 1, volumes }));
});

describe("volplan validate", () => {
  it("prints a bad id's control characters as escapes, one line per issue", async () => {
    const run = await volplan(["validate", file]);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).not.toMatch(RAW);
    const lines = run.stdout.split("\n").filter((l) => l !== "");
    expect(lines.filter((l) => !l.startsWith(`${file}: `) && !/^\d+ errors?, /.test(l))).toEqual(
      [],
    );
    expect(run.stdout).toContain("/volumes/a\\x1b[2Jb\\u009b31m\\u202e: ");
  });

  it("escapes them in --json too, which still parses to the same issues", async () => {
    const run = await volplan(["validate", "--json", file]);
    expect(run.stdout).not.toMatch(RAW);
    const report = JSON.parse(run.stdout) as { files: { issues: { pointer: string }[] }[] };
    const pointers = report.files.flatMap((f) => f.issues.map((i) => i.pointer));
    expect(pointers).toContain(`/volumes/${BAD_ID}`);
  });
});

describe("issueLine", () => {
  it("escapes the pointer, message and fix", () => {
    const line = issueLine("m.json", {
      severity: "error",
      pointer: "/volumes/x\ny",
      message: "volume x\ny: bad\r",
      fix: "rename \u001b[0m",
    });
    expect(line).toBe("m.json: error /volumes/x\\ny: volume x\\ny: bad\\r (fix: rename \\x1b[0m)");
  });
});

describe("errorText", () => {
  it("keeps a message quoting a hostile value on its own line", () => {
    expect(
      errorText(new UserError("artifact 'x\nvolplan: all good\u001b[2K' not found"), false),
    ).toBe("volplan: artifact 'x\n  volplan: all good\\x1b[2K' not found\n");
    const error = new VolplanError("EXTRACT_FAILED", "cannot extract /a\u009b2J: bad");
    expect(errorText(error, false)).toBe(
      "volplan: cannot extract /a\\u009b2J: bad [EXTRACT_FAILED]\n",
    );
  });
});
