// The activation snippet of nix/module.nix, run in the activation script nixpkgs assembles from
// its snippets (one ERR trap sets the script's exit status), with a stand-in volplan that exits
// with a chosen status: a failed apply must fail the switch, refusals (3) must mean what they
// mean in the units, and under systemd.sysusers the snippet must wait for users to exist.
import { execa } from "execa";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostEvaluator, type Host } from "./eval-host.js";
import { nixString, thirdPartyAvailable } from "./nix-tool.js";

// Records its arguments, one run per line, and exits with $VOLPLAN_TEST_EXIT.
const fakeVolplan = `#!/bin/sh
echo "$*" >> "$VOLPLAN_TEST_LOG"
exit "\${VOLPLAN_TEST_EXIT:-0}"
`;

const dir = await mkdtemp(path.join(os.tmpdir(), "volplan-activation-"));
const log = path.join(dir, "calls");

function hostWith(settings: string, extra = ""): string {
  return `{
    ${extra}
    services.volplan = {
      enable = true;
      package = h.packageAt ${nixString(dir)};
      microvm.enable = true;
      ${settings}
    };
    microvm.vms.web.config.microvm.volumes = [ { image = "root.img"; size = 8; mountPoint = "/"; } ];
  }`;
}

const evaluate = hostEvaluator({
  classic: { module: hostWith("applyOnActivation = true;") },
  sysusersMissing: {
    module: hostWith(
      `applyOnActivation = true; microvm = { owner = "volplan-test-nobody"; group = "volplan-test-none"; };`,
      "systemd.sysusers.enable = true;",
    ),
  },
  sysusersPresent: {
    module: hostWith(
      `applyOnActivation = true; microvm = { owner = "root"; group = "root"; };`,
      "services.userborn.enable = true;",
    ),
  },
});

async function host(name: string): Promise<Host> {
  const found = (await evaluate())[name];
  if (found === undefined) throw new Error(`no host ${name}`);
  return found;
}

async function run(script: string, env: Record<string, string>) {
  await writeFile(log, "");
  const result = await execa("bash", ["-c", script], {
    env: { VOLPLAN_TEST_LOG: log, ...env },
    extendEnv: true,
    reject: false,
    timeout: 30_000,
  });
  const calls = (await readFile(log, "utf8")).split("\n").filter((line) => line !== "");
  return { ...result, calls };
}

beforeAll(async () => {
  await mkdir(path.join(dir, "bin"));
  await writeFile(path.join(dir, "bin", "volplan"), fakeVolplan);
  await chmod(path.join(dir, "bin", "volplan"), 0o755);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!thirdPartyAvailable)(
  "the activation snippet in nixpkgs' activation script",
  () => {
    it.each([
      { exit: 0, status: 0, message: null },
      {
        exit: 3,
        status: 0,
        message: /some volumes were left alone \(refusals above\); everything else was applied/,
      },
      {
        exit: 1,
        status: 1,
        message: /APPLY FAILED \(exit 1\)[\s\S]*Activation script snippet 'volplan' failed \(1\)/,
      },
      {
        exit: 4,
        status: 1,
        message: /APPLY FAILED \(exit 4\)[\s\S]*Activation script snippet 'volplan' failed \(4\)/,
      },
    ])("apply exiting $exit makes the switch exit $status", async ({ exit, status, message }) => {
      const classic = await host("classic");
      const result = await run(classic.activationScript, {
        NIXOS_ACTION: "switch",
        VOLPLAN_TEST_EXIT: String(exit),
      });
      expect(result.calls).toEqual([
        expect.stringMatching(/^apply --manifest \S+-volplan-manifest\.json$/),
      ]);
      expect(result.exitCode).toBe(status);
      const output = `${result.stderr}\n${result.stdout}`;
      if (message === null) expect(output).not.toMatch(/volplan:/);
      else expect(output).toMatch(message);
    });

    it("counts refusals as success in the units too, and any other failure as a failure", async () => {
      const classic = await host("classic");
      for (const unit of Object.values(classic.services)) {
        expect(unit.serviceConfig.SuccessExitStatus).toEqual([3]);
      }
      expect(Object.keys(classic.services)).toEqual(["volplan-microvm-web"]);
    });

    it("only plans under dry activation, whatever plan exits with", async () => {
      const classic = await host("classic");
      const result = await run(classic.dryActivationScript, {
        NIXOS_ACTION: "dry-activate",
        VOLPLAN_TEST_EXIT: "2",
      });
      expect(result.calls).toEqual([expect.stringMatching(/^plan --manifest /)]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/volplan: changes a switch would make/);
    });

    it("does nothing at boot, where the units apply after local file systems", async () => {
      const result = await run((await host("classic")).activationScript, {});
      expect(result.calls).toEqual([]);
      expect(result.exitCode).toBe(0);
    });

    it("under systemd.sysusers, leaves the apply to the units while a user is missing", async () => {
      const result = await run((await host("sysusersMissing")).activationScript, {
        NIXOS_ACTION: "switch",
        VOLPLAN_TEST_EXIT: "1",
      });
      expect(result.calls).toEqual([]);
      expect(result.exitCode).toBe(0);
      expect(result.stderr).toMatch(
        /volplan: not applying at activation: user volplan-test-nobody, group volplan-test-none not created yet \(systemd-sysusers\.service creates them after activation\)/,
      );
    });

    it("under userborn, applies when every user and group exists", async () => {
      const result = await run((await host("sysusersPresent")).activationScript, {
        NIXOS_ACTION: "switch",
        VOLPLAN_TEST_EXIT: "1",
      });
      expect(result.calls).toHaveLength(1);
      expect(result.exitCode).toBe(1);
    });
  },
);
