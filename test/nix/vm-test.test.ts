// nix/tests/vm.nix needs the NixOS test framework and KVM, neither of which is here; its machine
// and specialisations are evaluated with the host tests' stubs (test/nix/eval-vm-test.nix), and
// its test script must at least be valid Python that covers what it claims.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { Host } from "./eval-host.js";
import { evalJson, thirdPartyAvailable } from "./nix-tool.js";

interface ShapedUnit {
  before: string[];
  partOf: string[];
  wantedBy: string[];
  restartIfChanged: boolean;
  serviceConfig: Record<string, unknown>;
  script: string;
}

interface VmTest {
  name: string;
  testScript: string;
  machine: Host & { shaped: Record<string, ShapedUnit> };
  specialisations: Record<string, Host>;
}

let evaluated: Promise<VmTest> | undefined;
const evaluate = () =>
  (evaluated ??= evalJson({ expr: "import ./test/nix/eval-vm-test.nix" }) as Promise<VmTest>);

const MiB = 1024 * 1024;
const sizes = (host: Host | undefined) =>
  Object.fromEntries(
    Object.entries(host?.manifest.volumes ?? {}).map(([id, v]) => [id, v.size as number]),
  );

describe.skipIf(!thirdPartyAvailable)("nix/tests/vm.nix", () => {
  it("evaluates a microvm-shaped host whose guest unit runs before microvm@web", async () => {
    const { machine } = await evaluate();
    expect(machine.failedAssertions).toEqual([]);
    expect(Object.keys(machine.services).sort()).toEqual([
      "volplan",
      "volplan-artifacts",
      "volplan-microvm-web",
    ]);
    expect(machine.services["volplan-microvm-web"]).toMatchObject({
      partOf: ["microvm@web.service"],
      before: ["microvm@web.service"],
      after: ["install-microvm-web.service", "local-fs.target"],
    });
    expect(machine.vmUnits["microvm@web"]).toEqual({
      requires: ["volplan-microvm-web.service"],
      after: ["volplan-microvm-web.service"],
    });
    // The stand-in VM holds both of the guest's images open, as user microvm.
    expect(machine.shaped["microvm@web"]?.serviceConfig).toEqual({ User: "microvm", Group: "kvm" });
    expect(machine.shaped["microvm@web"]?.script).toMatch(
      /exec 3<> \/var\/lib\/microvms\/web\/root\.img\nexec 4<> \/var\/lib\/microvms\/web\/data\.img/,
    );
    expect(machine.activation).toBeNull();
  });

  it("switches to larger sizes through the default reload path, and to activation only in its specialisation", async () => {
    const { machine, specialisations } = await evaluate();
    expect(sizes(machine)).toEqual({
      "host/scratch": 32 * MiB,
      "web/root": 64 * MiB,
      "web/data": 320 * MiB,
    });
    expect(sizes(specialisations.bigger)).toEqual({
      "host/scratch": 64 * MiB,
      "web/root": 128 * MiB,
      "web/data": 400 * MiB,
    });
    expect(specialisations.bigger?.activation).toBeNull();
    expect(specialisations.bigger?.services.volplan?.reloadIfChanged).toBe(true);
    expect(specialisations.activation?.activation).not.toBeNull();
    for (const s of Object.values(specialisations)) expect(s.failedAssertions).toEqual([]);
  });

  it("has a test script that is valid Python and covers each case", async () => {
    const { testScript } = await evaluate();
    const compiled = await execa(
      "python3",
      ["-c", "import sys; compile(sys.stdin.read(), 'testScript', 'exec')"],
      { input: testScript, reject: false, timeout: 30_000 },
    );
    expect(compiled.stderr).toBe("");
    expect(compiled.exitCode).toBe(0);
    const subtests = [...testScript.matchAll(/with subtest\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(subtests).toEqual([
      "boot creates the host's images and the guest's before its VM starts",
      "a dead artifact mirror fails only the artifacts unit",
      "the VM holds its images",
      "a switch reloads volplan.service, which grows the host's image",
      "an image held by its running VM is left alone, and said so",
      "restarting the VM grows its images first",
      "with applyOnActivation, dry activation prints the plan and changes nothing",
    ]);
  });
});
