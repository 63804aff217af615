// Evaluates nix/module.nix with nixpkgs' lib.evalModules (test/nix/module-eval.nix stubs the
// NixOS options it sets). Runs only when VOLPLAN_NIXPKGS_LIB names a nixpkgs `lib` directory.
import { describe, expect, it } from "vitest";
import { evalJson, nixString } from "./nix-tool.js";

const libPath = process.env.VOLPLAN_NIXPKGS_LIB;
const MiB = 1024 * 1024;

interface Evaluated {
  manifest: unknown;
  manifestText: string;
  checkPhase: string;
  failedAssertions: string[];
  services: Record<
    string,
    { requires: string[]; after: string[]; serviceConfig: Record<string, unknown> }
  >;
  activation: { deps: string[]; supportsDryActivation: boolean; text: string } | null;
  etc: Record<string, string>;
}

async function evaluate(config: string, withMicrovm = true): Promise<Evaluated> {
  return (await evalJson({
    expr: `import ./test/nix/module-eval.nix {
      libPath = ${nixString(libPath ?? "")};
      withMicrovm = ${withMicrovm ? "true" : "false"};
      config = ${config};
    }`,
  })) as Evaluated;
}

const hostWithGuests = `{
  services.volplan = {
    enable = true;
    runAt = "activation";
    microvm.enable = true;
    policy.reserve = "2GiB";
    volumes."data/cache" = { path = "/srv/cache.img"; size = "4GiB"; format.type = "xfs"; };
  };
  microvm.vms.web.config.config.microvm = {
    writableStoreOverlay = "/nix/.rw-store";
    volumes = [
      { image = "root.img"; size = 1024; }
      { image = "store.img"; size = 2048; mountPoint = "/nix/.rw-store"; label = "nix-store"; }
      { image = "/dev/zvol/tank/wal"; size = 10; autoCreate = false; }
    ];
  };
  microvm.vms.imperative.config = null;
}`;

describe.skipIf(libPath === undefined)("nix/module.nix under lib.evalModules", () => {
  it("builds the manifest from options and microvm.nix guests", async () => {
    const result = await evaluate(hostWithGuests);
    const owned = { owner: "microvm", group: "kvm", mode: "0660" };
    expect(result.failedAssertions).toEqual([]);
    expect(result.manifest).toEqual({
      version: 1,
      policy: { reserve: "2GiB" },
      volumes: {
        "data/cache": { path: "/srv/cache.img", size: "4GiB", format: { type: "xfs" } },
        "web/root": {
          path: "/var/lib/microvms/web/root.img",
          size: 1024 * MiB,
          format: { type: "ext4" },
          ...owned,
        },
        "web/store": {
          path: "/var/lib/microvms/web/store.img",
          size: 2048 * MiB,
          format: { type: "ext4", label: "nix-store" },
          ...owned,
        },
      },
    });
    expect(JSON.parse(result.manifestText)).toEqual(result.manifest);
    expect(result.checkPhase).toMatch(/\/bin\/volplan validate "\$out"/);
    expect(result.etc["volplan/manifest.json"]).toMatch(/-volplan-manifest\.json$/);
  });

  it("orders guests after volplan.service and runs at activation", async () => {
    const result = await evaluate(hostWithGuests);
    expect(Object.keys(result.services).sort()).toEqual(["microvm@web", "volplan"]);
    expect(result.services["microvm@web"]).toMatchObject({
      requires: ["volplan.service"],
      after: ["volplan.service"],
    });
    expect(result.services.volplan?.after).toContain("install-microvm-web.service");
    expect(result.services.volplan?.serviceConfig).toMatchObject({
      Type: "oneshot",
      RemainAfterExit: true,
    });
    expect(result.activation).toMatchObject({
      deps: ["users", "groups", "specialfs"],
      supportsDryActivation: true,
    });
    expect(result.activation?.text).toMatch(/dry-activate[\s\S]*volplan plan --manifest/);
  });

  it("turns cross-field mistakes into assertions that say how to fix them", async () => {
    const result = await evaluate(`{
      services.volplan = {
        enable = true;
        microvm.enable = true;
        volumes.dev = { path = "/dev/zvol/tank/x"; size = 1000; kind = "block-device"; format.type = "ext4"; };
        volumes.copy = { path = "/var/lib/microvms/a/data.img"; size = "1G"; };
        artifacts.both = { urls = [ "https://x/y" ]; path = "/nix/store/abc-y"; hash = "sha256-x"; };
      };
      microvm.vms.a.config.config.microvm.volumes = [ { image = "data.img"; size = 10; } ];
    }`);
    expect(result.failedAssertions).toEqual([
      expect.stringMatching(
        /volumes a\/data and copy use the same image .*Give each its own image path/,
      ),
      expect.stringMatching(/artifact both sets both urls and path/),
      expect.stringMatching(/volumes\."dev": kind = "block-device" .*Remove them/),
    ]);
  });

  it("evaluates on a host without microvm.nix and says what to import", async () => {
    const result = await evaluate(
      `{ services.volplan = { enable = true; microvm.enable = true; volumes.x = { path = "/x.img"; size = "1G"; }; }; }`,
      false,
    );
    expect(result.manifest).toEqual({ version: 1, volumes: { x: { path: "/x.img", size: "1G" } } });
    expect(result.failedAssertions).toEqual([
      expect.stringMatching(/Import microvm\.nixosModules\.host/),
    ]);
    expect(result.activation).toBeNull();
  });

  it("rejects values the schema forbids at evaluation time", async () => {
    await expect(
      evaluate(
        `{ services.volplan = { enable = true; volumes.x = { path = "/x.img"; size = "1G"; owner = "Bad"; }; }; }`,
      ),
    ).rejects.toThrow(/services\.volplan\.volumes\.x\.owner' is not of type/);
  });
});
