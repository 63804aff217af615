// flake.nix's outputs, evaluated with nixpkgs' real lib and stub packages as its nixpkgs input:
// the apps (volplan itself, and the command that writes every host's manifest) and the NixOS
// module it exports.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostEvaluator } from "./eval-host.js";
import { evalJson, repoRoot, thirdPartyAvailable } from "./nix-tool.js";

interface App {
  type: string;
  program: string;
  meta: { description: string };
}

const evaluateHosts = hostEvaluator({
  fromFlake: {
    microvm: false,
    module: `{
      imports = [ h.flake.nixosModules.default ];
      services.volplan = { enable = true; volumes.x = { path = "/srv/x.img"; size = "1G"; }; };
    }`,
  },
});

describe.skipIf(!thirdPartyAvailable)("flake.nix", () => {
  it("runs volplan by default, and writes every host's manifest with the manifests app", async () => {
    const apps = (await evalJson({
      expr: "(import ./test/nix/eval-flake.nix).apps.x86_64-linux",
    })) as Record<string, App>;
    const volplan = "/nix/store/00000000000000000000000000000000-volplan-0.1.0/bin/volplan";
    expect(apps.default?.program).toBe(volplan);
    expect(apps.volplan?.program).toBe(volplan);
    // The stub names a script by the sha256 of its text: the app runs flake-manifests.sh as it is.
    const script = await readFile(path.join(repoRoot, "examples/ci/flake-manifests.sh"));
    const digest = createHash("sha256").update(script).digest("hex");
    expect(apps.manifests).toMatchObject({
      type: "app",
      program: `/nix/store/00000000000000000000000000000000-volplan-manifests-${digest}`,
    });
  });

  it("exports a NixOS module whose package and validation come from the flake", async () => {
    const host = (await evaluateHosts()).fromFlake;
    expect(host?.failedAssertions).toEqual([]);
    expect(host?.checkPhase.trim()).toBe(
      '/nix/store/00000000000000000000000000000000-volplan-0.1.0/bin/volplan validate "$out"',
    );
    expect(host?.services.volplan?.serviceConfig.ExecStart).toMatch(
      /^\/nix\/store\/0+-volplan-0\.1\.0\/bin\/volplan apply --manifest \S+ --only volume:x$/,
    );
  });
});
