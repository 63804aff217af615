// nix/module.nix evaluated with nixpkgs' real lib.evalModules next to microvm.nix's real host
// module, with guests evaluated through microvm.nix's own options (test/nix/eval-host.nix): the
// manifest, the units and how they order against microvm@<name>, and the assertions.
import { describe, expect, it } from "vitest";
import { hostError, hostEvaluator, type Host, type Unit } from "./eval-host.js";
import { thirdPartyAvailable, thirdPartyDir, thirdPartyFiles } from "./nix-tool.js";
import { existsSync } from "node:fs";
import { parseManifestText } from "../../src/manifest/load.js";
import path from "node:path";

const MiB = 1024 * 1024;
const owned = { owner: "microvm", group: "kvm", mode: "0660" };
const exe = "/nix/store/00000000000000000000000000000000-volplan-0.1.0/bin/volplan";
const manifestFile = "/nix/store/00000000000000000000000000000000-volplan-manifest.json";
const apply = `${exe} apply --manifest ${manifestFile}`;

// A host with its own volumes, an artifact and three guests: `web` written as microvm.nix's
// `config`, `db` as an already evaluated guest, `bare` with no volume volplan manages.
const fleet = `{
  services.volplan = {
    enable = true;
    microvm.enable = true;
    stateDir = "/srv/volplan";
    policy.reserve = "2GiB";
    volumes."data/cache" = { path = "/srv/cache.img"; size = "4GiB"; format.type = "xfs"; };
    volumes."data/wal" = { path = "/dev/vg0/wal"; size = "1GiB"; kind = "block-device"; };
    artifacts.kexec = { urls = [ "https://example.org/k.tar.gz" ]; hash = "sha256-AAAA"; };
  };
  microvm.vms.web.config.microvm = {
    writableStoreOverlay = "/nix/.rw-store";
    volumes = [
      { image = "root.img"; size = 1024; mountPoint = "/"; }
      { image = "store.img"; size = 2048; mountPoint = "/nix/.rw-store"; label = "nix-store"; }
      { image = "data.img"; size = 4096; fsType = "xfs"; mountPoint = "/data"; }
      { image = "/dev/zvol/tank/web-wal"; size = 10; mountPoint = "/wal"; }
      { image = "/srv/kept.img"; size = 10; autoCreate = false; mountPoint = "/kept"; }
    ];
  };
  microvm.vms.db.evaluatedConfig = h.evalGuest {
    networking.hostName = "db";
    microvm.volumes = [ { image = "pg.img"; size = 512; fsType = "btrfs"; mountPoint = "/pg"; } ];
  };
  microvm.vms.bare.config.microvm.volumes = [
    { image = "/srv/bare.img"; size = 8; autoCreate = false; mountPoint = "/x"; }
  ];
}`;

const evaluate = hostEvaluator({
  fleet: { module: fleet },
  withoutMicrovmNix: {
    microvm: false,
    module: `{ services.volplan = { enable = true; microvm.enable = true; volumes.x = { path = "/x.img"; size = "1G"; }; }; }`,
  },
  // A cloud-hypervisor guest with qcow2 volumes next to a raw guest; the guests are evaluated by
  // microvm.nix's options, so imageType and hypervisor are theirs.
  qcow2Guest: {
    module: `{
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.ch.config.microvm = {
        hypervisor = "cloud-hypervisor";
        volumes = [
          { image = "root.img"; size = 1024; label = "root"; mountPoint = "/"; }
          { image = "data.qcow2"; size = 2048; imageType = "qcow2"; label = "data"; mountPoint = "/data"; }
          { image = "/srv/ch/logs.qcow2"; size = 512; imageType = "qcow2"; fsType = "xfs"; mountPoint = "/var/log"; }
        ];
      };
      microvm.vms.web.config.microvm.volumes = [
        { image = "root.img"; size = 1024; mountPoint = "/"; }
        { image = "data.img"; size = 1024; fsType = "xfs"; mountPoint = "/data"; }
      ];
    }`,
  },
  // A whole NixOS guest has fileSystems (here a stand-in declaration), where microvm.nix mounts
  // each volume: /data is mounted as microvm.nix does, /logs with x-systemd.growfs, /srv resized.
  qcow2GuestGrowth: {
    module: `{
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.ch.config = { lib, ... }: {
        options.fileSystems = lib.mkOption { type = lib.types.attrsOf lib.types.anything; default = { }; };
        config = {
          microvm.hypervisor = "cloud-hypervisor";
          microvm.volumes = [
            { image = "data.qcow2"; size = 2048; imageType = "qcow2"; label = "data"; mountPoint = "/data"; }
            { image = "logs.qcow2"; size = 512; imageType = "qcow2"; mountPoint = "/logs"; }
            { image = "srv.qcow2"; size = 512; imageType = "qcow2"; mountPoint = "/srv"; }
            { image = "root.img"; size = 512; mountPoint = "/"; }
          ];
          fileSystems."/data" = { device = "/dev/disk/by-label/data"; fsType = "ext4"; };
          fileSystems."/logs" = { device = "/dev/vdb"; fsType = "ext4"; options = [ "x-systemd.growfs" ]; };
          fileSystems."/srv" = { device = "/dev/vdc"; fsType = "ext4"; autoResize = true; };
          fileSystems."/" = { device = "/dev/vdd"; fsType = "ext4"; };
        };
      };
    }`,
  },
  // qemu (microvm.nix's default hypervisor) opens every volume as raw, whatever its imageType.
  qcow2OnQemu: {
    module: `{
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.web.config.microvm.volumes = [
        { image = "root.img"; size = 1024; mountPoint = "/"; }
        { image = "data.qcow2"; size = 1024; imageType = "qcow2"; mountPoint = "/data"; }
      ];
    }`,
  },
  guestLabels: {
    module: `{
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.web.config.microvm.volumes = [
        { image = "boot.img"; size = 64; fsType = "vfat"; label = "boot"; mountPoint = "/boot"; }
        { image = "root.img"; size = 64; label = "a-label-17-bytes!"; mountPoint = "/"; }
      ];
    }`,
  },
  perVm: {
    module: `{
      services.volplan = {
        enable = true;
        microvm = { enable = true; group = "qemu"; vms.db.enable = false; vms.web = { owner = "qemu"; mode = "0600"; }; };
      };
      microvm.vms.web.config.microvm.volumes = [ { image = "root.img"; size = 8; mountPoint = "/"; } ];
      microvm.vms.db.config.microvm.volumes = [ { image = "root.img"; size = 8; mountPoint = "/"; } ];
    }`,
  },
  unknownVmSetting: {
    module: `{
      services.volplan = { enable = true; microvm = { enable = true; vms.wbe.enable = false; }; };
      microvm.vms.web.config.microvm.volumes = [ ];
    }`,
  },
  crossField: {
    module: `{
      services.volplan = {
        enable = true;
        microvm.enable = true;
        volumes.dev = { path = "/dev/zvol/tank/x"; size = 1000; kind = "block-device"; format.type = "ext4"; };
        volumes.copy = { path = "/var/lib/microvms/a/data.img"; size = "1G"; };
        artifacts.both = { urls = [ "https://x/y" ]; path = "/nix/store/abc-y"; hash = "sha256-x"; };
      };
      microvm.vms.a.config.microvm.volumes = [ { image = "data.img"; size = 10; mountPoint = "/d"; } ];
    }`,
  },
  guestsNotManaged: {
    module: `{
      services.volplan = { enable = true; volumes."web/extra" = { path = "/srv/extra.img"; size = "1G"; }; };
      microvm.vms.web.config.microvm.volumes = [ { image = "root.img"; size = 8; mountPoint = "/"; } ];
    }`,
  },
  relativeOwnPath: {
    microvm: false,
    module: `{ services.volplan = { enable = true; volumes.x = { path = "x.img"; size = "1G"; }; }; }`,
  },
  runAtActivation: {
    module: `{ services.volplan = { enable = true; runAt = "activation"; volumes.x = { path = "/x.img"; size = 1; }; }; }`,
  },
  sysusers: {
    module: `{
      systemd.sysusers.enable = true;
      services.volplan = { enable = true; microvm.enable = true; };
      microvm.vms.web.config.microvm.volumes = [ { image = "root.img"; size = 8; mountPoint = "/"; } ];
    }`,
  },
});

async function host(name: string): Promise<Host> {
  const result = (await evaluate())[name];
  if (result === undefined) throw new Error(`no host ${name}`);
  return result;
}

async function unit(hostName: string, unitName: string): Promise<Unit> {
  const found = (await host(hostName)).services[unitName];
  if (found === undefined) throw new Error(`${hostName} has no ${unitName}.service`);
  return found;
}

describe.skipIf(!thirdPartyAvailable)("nix/module.nix with microvm.nix's host module", () => {
  it("finds nixpkgs' lib and microvm.nix in ../shared/third-party", () => {
    expect(thirdPartyFiles.filter((f) => !existsSync(path.join(thirdPartyDir, f)))).toEqual([]);
  });

  it("builds the manifest from its options and from guests as microvm.nix evaluates them", async () => {
    const fleetHost = await host("fleet");
    expect(fleetHost.failedAssertions).toEqual([]);
    expect(fleetHost.manifest).toEqual({
      version: 1,
      stateDir: "/srv/volplan",
      policy: { reserve: "2GiB" },
      volumes: {
        "data/cache": { path: "/srv/cache.img", size: "4GiB", format: { type: "xfs" } },
        "data/wal": { path: "/dev/vg0/wal", size: "1GiB", kind: "block-device" },
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
        // Guests' xfs and btrfs volumes are grown from the host: microvm.nix mounts them
        // without x-systemd.growfs.
        "web/data": {
          path: "/var/lib/microvms/web/data.img",
          size: 4096 * MiB,
          format: { type: "xfs" },
          growFilesystem: "host",
          ...owned,
        },
        // Images under /dev are block devices: checked, never created, formatted or chowned.
        "web/web-wal": { kind: "block-device", path: "/dev/zvol/tank/web-wal", size: 10 * MiB },
        "db/pg": {
          path: "/var/lib/microvms/db/pg.img",
          size: 512 * MiB,
          format: { type: "btrfs" },
          growFilesystem: "host",
          ...owned,
        },
      },
      artifacts: { kexec: { urls: ["https://example.org/k.tar.gz"], hash: "sha256-AAAA" } },
    });
    expect(JSON.parse(fleetHost.manifestText)).toEqual(fleetHost.manifest);
    expect(fleetHost.etc).toEqual({ "volplan/manifest.json": manifestFile });
  });

  it("validates the manifest at build time with the build machine's volplan", async () => {
    expect((await host("fleet")).checkPhase.trim()).toBe(
      '/nix/store/00000000000000000000000000000000-volplan-0.1.0-build/bin/volplan validate "$out"',
    );
  });

  it("gives each guest a oneshot that is part of, and before, its microvm@ unit", async () => {
    const fleetHost = await host("fleet");
    expect(Object.keys(fleetHost.services).sort()).toEqual([
      "volplan",
      "volplan-artifacts",
      "volplan-microvm-db",
      "volplan-microvm-web",
    ]);
    expect(await unit("fleet", "volplan-microvm-web")).toMatchObject({
      partOf: ["microvm@web.service"],
      before: ["microvm@web.service"],
      wants: ["install-microvm-web.service"],
      after: ["install-microvm-web.service", "local-fs.target"],
      // A restart would restart the VM (microvm@web requires this unit): a changed manifest is
      // applied when the VM next starts.
      restartIfChanged: false,
      reloadIfChanged: false,
      unitConfig: { RequiresMountsFor: ["/srv/volplan", "/var/lib/microvms/web"] },
      serviceConfig: {
        Type: "oneshot",
        RemainAfterExit: true,
        ExecStart: `${apply} --only volume:web/`,
        SuccessExitStatus: [3],
      },
    });
    expect((await unit("fleet", "volplan-microvm-db")).serviceConfig.ExecStart).toBe(
      `${apply} --only volume:db/`,
    );
    // Each VM requires only its own unit; a guest without managed volumes gets none (its
    // selector would match nothing).
    expect(fleetHost.vmUnits).toEqual({
      "microvm@web": {
        requires: ["volplan-microvm-web.service"],
        after: ["volplan-microvm-web.service"],
      },
      "microvm@db": {
        requires: ["volplan-microvm-db.service"],
        after: ["volplan-microvm-db.service"],
      },
      "microvm@bare": { requires: [], after: [] },
    });
  });

  it("applies the host's own volumes in volplan.service, reloaded by a switch", async () => {
    expect(await unit("fleet", "volplan")).toMatchObject({
      wantedBy: ["multi-user.target"],
      after: ["local-fs.target"],
      reloadIfChanged: true,
      // stateDir and image directories; never /dev.
      unitConfig: { RequiresMountsFor: ["/srv/volplan", "/srv"] },
      serviceConfig: {
        Type: "oneshot",
        RemainAfterExit: true,
        ExecStart: `${apply} --only volume:data/cache --only volume:data/wal`,
        ExecReload: `${apply} --only volume:data/cache --only volume:data/wal`,
        SuccessExitStatus: [3],
      },
    });
  });

  it("downloads artifacts in their own unit after the network, which no VM requires", async () => {
    const fleetHost = await host("fleet");
    expect(await unit("fleet", "volplan-artifacts")).toMatchObject({
      wantedBy: ["multi-user.target"],
      wants: ["network-online.target"],
      after: ["network-online.target"],
      requiredBy: [],
      unitConfig: { RequiresMountsFor: ["/srv/volplan"] },
      serviceConfig: { ExecStart: `${apply} --only artifacts`, SuccessExitStatus: [3] },
    });
    const required = [
      ...Object.values(fleetHost.vmUnits).flatMap((u) => u.requires),
      ...Object.values(fleetHost.services).flatMap((u) => u.requires),
    ];
    expect(required).not.toContain("volplan-artifacts.service");
    expect(required).not.toContain("volplan.service");
  });

  it('has no activation snippet unless asked, and renames runAt = "activation" with a warning', async () => {
    expect((await host("fleet")).activation).toBeNull();
    const renamed = await host("runAtActivation");
    expect(renamed.activation).toMatchObject({
      deps: ["users", "groups", "specialfs"],
      supportsDryActivation: true,
    });
    expect(renamed.warnings).toEqual([
      expect.stringMatching(
        /services\.volplan\.runAt.*changed to .services\.volplan\.applyOnActivation/,
      ),
    ]);
  });

  it("orders units after the unit that creates users under systemd.sysusers", async () => {
    expect((await unit("sysusers", "volplan-microvm-web")).after).toEqual([
      "install-microvm-web.service",
      "local-fs.target",
      "systemd-sysusers.service",
    ]);
  });

  it("manages a cloud-hypervisor guest's qcow2 volumes as qcow2 images, in a valid manifest", async () => {
    const found = await host("qcow2Guest");
    expect(found.failedAssertions).toEqual([]);
    expect(found.manifest.volumes).toEqual({
      "ch/root": {
        path: "/var/lib/microvms/ch/root.img",
        size: 1024 * MiB,
        format: { type: "ext4", label: "root" },
        ...owned,
      },
      "ch/data.qcow2": {
        path: "/var/lib/microvms/ch/data.qcow2",
        size: 2048 * MiB,
        imageFormat: "qcow2",
        format: { type: "ext4", label: "data" },
        ...owned,
      },
      // The guest grows the filesystem inside a qcow2 image, xfs included.
      "ch/logs.qcow2": {
        path: "/srv/ch/logs.qcow2",
        size: 512 * MiB,
        imageFormat: "qcow2",
        format: { type: "xfs" },
        ...owned,
      },
      // A raw guest next to it is mapped as before.
      "web/root": {
        path: "/var/lib/microvms/web/root.img",
        size: 1024 * MiB,
        format: { type: "ext4" },
        ...owned,
      },
      "web/data": {
        path: "/var/lib/microvms/web/data.img",
        size: 1024 * MiB,
        format: { type: "xfs" },
        growFilesystem: "host",
        ...owned,
      },
    });
    const loaded = parseManifestText(found.manifestText, "qcow2Guest");
    expect(loaded.ok ? [] : loaded.issues).toEqual([]);
    const normalized = loaded.ok ? loaded.desired.volumes : [];
    expect(normalized.map((v) => [v.id, v.imageFormat, v.growFilesystem])).toEqual([
      ["ch/data.qcow2", "qcow2", "guest"],
      ["ch/logs.qcow2", "qcow2", "guest"],
      ["ch/root", "raw", "host"],
      ["web/data", "raw", "host"],
      ["web/root", "raw", "host"],
    ]);
    // Each guest's unit applies its own volumes, qcow2 ones included, before its VM starts.
    expect(await unit("qcow2Guest", "volplan-microvm-ch")).toMatchObject({
      partOf: ["microvm@ch.service"],
      before: ["microvm@ch.service"],
      unitConfig: { RequiresMountsFor: ["/var/lib/volplan", "/var/lib/microvms/ch", "/srv/ch"] },
      serviceConfig: { ExecStart: `${apply} --only volume:ch/` },
    });
    expect(found.vmUnits["microvm@ch"]).toEqual({
      requires: ["volplan-microvm-ch.service"],
      after: ["volplan-microvm-ch.service"],
    });
  });

  it("warns when nothing in a guest grows the filesystem inside a qcow2 image", async () => {
    const found = await host("qcow2GuestGrowth");
    expect(found.failedAssertions).toEqual([]);
    expect(found.warnings).toEqual([
      expect.stringMatching(
        /^services\.volplan: microvm ch: volume "data\.qcow2" is a qcow2 image; .* mounts \/data without x-systemd\.growfs.* Add fileSystems\."\/data"\.options = \[ "x-systemd\.growfs" \]/,
      ),
    ]);
    // A guest evaluated without fileSystems (microvm.nix's options alone) is not guessed at.
    expect((await host("qcow2Guest")).warnings).toEqual([]);
  });

  it("takes per-guest owner, group and mode, and leaves an opted-out guest alone", async () => {
    const perVm = await host("perVm");
    expect(perVm.failedAssertions).toEqual([]);
    expect(perVm.manifest.volumes).toEqual({
      "web/root": {
        path: "/var/lib/microvms/web/root.img",
        size: 8 * MiB,
        format: { type: "ext4" },
        owner: "qemu",
        group: "qemu",
        mode: "0600",
      },
    });
    expect(Object.keys(perVm.services)).toEqual(["volplan-microvm-web"]);
    expect(perVm.vmUnits["microvm@db"]).toEqual({ requires: [], after: [] });
  });

  it("leaves guests to microvm.nix unless microvm.enable is set, even for ids that look like theirs", async () => {
    const found = await host("guestsNotManaged");
    expect(found.manifest.volumes).toEqual({ "web/extra": { path: "/srv/extra.img", size: "1G" } });
    expect(Object.keys(found.services)).toEqual(["volplan"]);
    expect(found.services.volplan?.serviceConfig.ExecStart).toBe(
      `${apply} --only volume:web/extra`,
    );
    expect(found.vmUnits["microvm@web"]).toEqual({ requires: [], after: [] });
  });

  it.each([
    {
      name: "qcow2OnQemu",
      what: "a qcow2 volume of a guest whose hypervisor opens it as raw names the guest and the volume",
      messages: [
        /^services\.volplan: microvm web: volume "data\.qcow2": imageType "qcow2" is passed to cloud-hypervisor only; "qemu" opens every volume as raw.*Set imageType = "raw", or hypervisor = "cloud-hypervisor"/,
      ],
    },
    {
      name: "guestLabels",
      what: "labels microvm.nix accepts but mkfs cannot keep name the guest's volume and option",
      messages: [
        /^services\.volplan: microvm web: volume "boot\.img": label = "boot" has lower-case letters.*guest's microvm\.volumes/,
        /^services\.volplan: microvm web: volume "root\.img": label = "a-label-17-bytes!" is 17 bytes, but ext4 labels hold at most 16/,
      ],
    },
    {
      name: "unknownVmSetting",
      what: "a per-guest setting for a guest that does not exist",
      messages: [
        /^services\.volplan\.microvm\.vms\."wbe" is set, but microvm\.vms has no guest named "wbe"/,
      ],
    },
    {
      name: "crossField",
      what: "cross-field mistakes say how to fix them",
      messages: [
        /^services\.volplan: volumes a\/data and copy use the same image .*Give each its own image path/,
        /^services\.volplan: artifact both sets both urls and path/,
        /^services\.volplan\.volumes\."dev": kind = "block-device" .*Remove them/,
      ],
    },
    {
      name: "relativeOwnPath",
      what: "a relative path is an assertion, and the units still evaluate",
      messages: [/^services\.volplan: volume x: path "x\.img" is relative/],
    },
    {
      name: "withoutMicrovmNix",
      what: "microvm.enable without microvm.nix says what to import",
      messages: [/Import microvm\.nixosModules\.host/],
    },
  ])("$what", async ({ name, messages }) => {
    const found = await host(name);
    expect(found.failedAssertions).toEqual(
      messages.map((re): unknown => expect.stringMatching(re)),
    );
  });

  it("still builds the rest of a host whose guest has a problem", async () => {
    expect((await host("qcow2OnQemu")).manifest.volumes).toEqual({
      "web/root": {
        path: "/var/lib/microvms/web/root.img",
        size: 1024 * MiB,
        format: { type: "ext4" },
        ...owned,
      },
    });
    expect((await host("withoutMicrovmNix")).manifest).toEqual({
      version: 1,
      volumes: { x: { path: "/x.img", size: "1G" } },
    });
  });

  it("rejects values the schema forbids at evaluation time", async () => {
    expect(
      await hostError({
        module: `{ services.volplan = { enable = true; volumes.x = { path = "/x.img"; size = "1G"; owner = "Bad"; }; }; }`,
      }),
    ).toMatch(/services\.volplan\.volumes\.x\.owner' is not of type/);
  });
});
