// The built CLI takes the forms its help shows, and the commands it suggests keep the flags given.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-dir.js";
import { volplan } from "./volplan.js";

const SRI = `sha256-${Buffer.alloc(32, 7).toString("base64")}`;
let dir = "";
let manifest = "";

beforeAll(async () => {
  dir = await tempDir("volplan-cli-forms-");
  await mkdir(path.join(dir, "images"));
  manifest = path.join(dir, "m.json");
  const content = {
    version: 1,
    stateDir: path.join(dir, "state"),
    volumes: {
      "web/root": {
        path: path.join(dir, "images", "root.img"),
        size: "64MiB",
        // The user running the tests (the package's check phase runs them unprivileged).
        owner: process.getuid?.() ?? 0,
        group: process.getgid?.() ?? 0,
      },
    },
    artifacts: { kexec: { urls: ["http://127.0.0.1:9/k.tar.gz"], hash: SRI } },
  };
  await writeFile(manifest, `${JSON.stringify(content)}\n`);
});

describe("command-line forms (bundle)", () => {
  it("plans FILE as it plans --manifest FILE", async () => {
    const positional = await volplan(["plan", manifest, "--json"]);
    const flag = await volplan(["plan", "--manifest", manifest, "--json"]);
    expect(positional.stderr).toBe("");
    expect(positional.exitCode).toBe(0);
    // The same plan; free space may differ between the two runs (other writers on the host).
    const planOf = (stdout: string) => {
      const { actions, summary } = JSON.parse(stdout) as { actions: unknown; summary: unknown };
      return { actions, summary };
    };
    expect(planOf(positional.stdout)).toEqual(planOf(flag.stdout));
    expect(planOf(positional.stdout)).toMatchObject({ summary: { create: 1, fetch: 1 } });
  });

  it("takes apply --dry-run --detailed-exitcode --verbose: exit 2 for changes pending", async () => {
    const args = ["apply", "--dry-run", "--detailed-exitcode", "--verbose", "--manifest", manifest];
    const result = await volplan(args);
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toMatch(/^\s+\+ web\/root /m);
  });

  it("names a manifest given as PLAN_FILE and keeps the flags in the command it suggests", async () => {
    const result = await volplan(["apply", "m.json", "--dry-run", "--verbose"], { cwd: dir });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "is a manifest, not a saved plan; run volplan apply --manifest m.json --dry-run --verbose, or save a plan with volplan plan --manifest m.json --out PLAN.",
    );
  });

  it("suggests the fetch command with the --manifest artifact path was given", async () => {
    const result = await volplan(["artifact", "path", "kexec", "--manifest", manifest]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      `artifact kexec is not cached yet; run volplan artifact fetch kexec --manifest ${manifest}`,
    );
  });

  it("prints the version with -V and a command's help with help COMMAND", async () => {
    const version = await volplan(["-V"]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const help = await volplan(["help", "apply"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toMatch(/^Usage: volplan apply /);
    expect(help.stdout).toBe((await volplan(["apply", "--help"])).stdout);
  });
});
