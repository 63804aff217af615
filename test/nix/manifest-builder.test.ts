import { describe, expect, it } from "vitest";
import { evalError, evalJson, nixAvailable } from "./nix-tool.js";

const MiB = 1024 * 1024;
const owned = { owner: "microvm", group: "kvm", mode: "0660" };

// Each case is a Nix expression over `v` (nix/manifest.nix) and the JSON it must evaluate to.
const ok: { name: string; expr: string; expected: unknown }[] = [
  {
    name: "leaves unset values out and keeps only the version",
    expr: "v.mkManifest { }",
    expected: { version: 1 },
  },
  {
    name: "passes size strings through, keeps integer bytes, converts sizeMiB",
    expr: `v.mkManifest { volumes = {
      a = { path = "/i/a.img"; size = "20G"; };
      b = { path = "/i/b.img"; size = 4096; };
      c = { path = "/i/c.img"; sizeMiB = 512; format = "ext4"; seed = null; mode = null; };
    }; }`,
    expected: {
      version: 1,
      volumes: {
        a: { path: "/i/a.img", size: "20G" },
        b: { path: "/i/b.img", size: 4096 },
        c: { path: "/i/c.img", size: 512 * MiB, format: { type: "ext4" } },
      },
    },
  },
  {
    name: "resolves relative paths against imageDir and drops empty mkfsArgs",
    expr: `v.mkManifest { imageDir = "/srv/img/"; volumes.x = {
      path = "vm/x.img"; size = "1GiB"; format = { type = "xfs"; label = "x"; mkfsArgs = [ ]; };
    }; }`,
    expected: {
      version: 1,
      volumes: {
        x: { path: "/srv/img/vm/x.img", size: "1GiB", format: { type: "xfs", label: "x" } },
      },
    },
  },
  {
    name: "maps a microvm.nix guest: MiB sizes, state directory, overlay, autoCreate = false skipped",
    expr: `v.fromMicrovm {
      name = "web"; stateDir = "/var/lib/microvms"; writableStoreOverlay = "/nix/.rw-store";
      volumes = [
        { image = "root.img"; size = 2048; label = "root"; mountPoint = "/"; }
        { image = "store.img"; size = 1024; fsType = "btrfs"; mountPoint = "/nix/.rw-store"; mkfsExtraArgs = [ "-K" ]; }
        { image = "/dev/zvol/tank/web"; size = 10; autoCreate = false; }
        { image = "/srv/shared/logs.img"; size = 64; fsType = "xfs"; }
      ];
    }`,
    expected: {
      "web/root": {
        path: "/var/lib/microvms/web/root.img",
        size: 2048 * MiB,
        format: { type: "ext4", label: "root" },
        ...owned,
      },
      "web/store": {
        path: "/var/lib/microvms/web/store.img",
        size: 1024 * MiB,
        format: { type: "btrfs", mkfsArgs: ["-K"] },
        growFilesystem: "host",
        ...owned,
      },
      "web/logs": {
        path: "/srv/shared/logs.img",
        size: 64 * MiB,
        format: { type: "xfs" },
        ...owned,
      },
    },
  },
  {
    name: "merges several guests into one manifest",
    expr: `v.mkManifest { microvms = [
      { name = "a"; volumes = [ { image = "d.img"; size = 1; } ]; }
      { name = "b"; stateDir = "/vms"; volumes = [ { image = "d.img"; size = 1; } ]; }
    ]; }`,
    expected: {
      version: 1,
      volumes: {
        "a/d": { path: "/var/lib/microvms/a/d.img", size: MiB, format: { type: "ext4" }, ...owned },
        "b/d": { path: "/vms/b/d.img", size: MiB, format: { type: "ext4" }, ...owned },
      },
    },
  },
  {
    name: "accepts one URL as a string and keeps policy",
    expr: `v.mkManifest {
      policy = { reserve = 0; overcommit = "refuse"; };
      artifacts.kexec = { urls = "https://example.org/k.tar.gz"; hash = "sha256:00"; sizeMiB = 350; };
    }`,
    expected: {
      version: 1,
      policy: { reserve: 0, overcommit: "refuse" },
      artifacts: {
        kexec: { urls: ["https://example.org/k.tar.gz"], hash: "sha256:00", size: 350 * MiB },
      },
    },
  },
];

// Expressions that must fail, and a part of the message that tells the user what to do.
const failing: { name: string; expr: string; message: RegExp }[] = [
  {
    name: "an image shared by two VMs",
    expr: `v.fromMicrovms [
      { name = "a"; volumes = [ { image = "/srv/shared.img"; size = 1; } ]; }
      { name = "b"; volumes = [ { image = "/srv/shared.img"; size = 1; } ]; }
    ]`,
    message:
      /volumes a\/shared and b\/shared use the same image \/srv\/shared\.img.*Give each its own image path, or .*autoCreate = false/,
  },
  {
    name: "two volumes on one path in mkManifest",
    expr: `v.mkManifest { volumes = { a = { path = "/x.img"; size = 1; }; b = { path = "/x.img"; size = 1; }; }; }`,
    message: /1 problem\(s\):\n\s*- volumes a and b use the same image \/x\.img/,
  },
  {
    name: "a relative path without imageDir",
    expr: `v.mkManifest { volumes.a = { path = "a.img"; size = 1; }; }`,
    message: /volume a: path "a\.img" is relative.*pass imageDir/,
  },
  {
    name: "a path with ..",
    expr: `v.mkManifest { volumes.a = { path = "/srv/../etc/a.img"; size = 1; }; }`,
    message: /has a "\.\." component/,
  },
  {
    name: "a size volplan cannot read",
    expr: `v.mkManifest { volumes.a = { path = "/a.img"; size = "20 gigs"; }; }`,
    message: /volume a: size "20 gigs" is not a size.*"20GiB"/,
  },
  {
    name: "both size and sizeMiB",
    expr: `v.mkManifest { volumes.a = { path = "/a.img"; size = 1; sizeMiB = 1; }; }`,
    message: /both size and sizeMiB are set/,
  },
  {
    name: "a misspelt attribute",
    expr: `v.mkManifest { volumes.a = { path = "/a.img"; size = 1; fromat = "ext4"; }; }`,
    message: /unknown attribute\(s\) fromat/,
  },
  {
    name: "a microvm volume without a size",
    expr: `v.fromMicrovm { name = "a"; volumes = [ { image = "x.img"; } ]; }`,
    message:
      /microvm a: volume "x\.img": size must be an integer number of MiB.*autoCreate = false/,
  },
  {
    name: "a microvm file system volplan does not create",
    expr: `v.fromMicrovm { name = "a"; volumes = [ { image = "x.img"; size = 1; fsType = "zfs"; } ]; }`,
    message: /fsType "zfs" is not one volplan creates/,
  },
  {
    name: "a qcow2 microvm image",
    expr: `v.fromMicrovm { name = "a"; volumes = [ { image = "x.img"; size = 1; imageType = "qcow2"; } ]; }`,
    message: /imageType "qcow2" is not raw/,
  },
  {
    name: "an artifact with both urls and path",
    expr: `v.mkManifest { artifacts.k = { urls = [ "https://x/k" ]; hash = "sha256-x"; path = "/nix/store/x-k"; }; }`,
    message: /artifact k sets both urls and path/,
  },
  {
    name: "a downloaded artifact without a hash",
    expr: `v.mkManifest { artifacts.k.urls = [ "https://x/k" ]; }`,
    message: /artifact k is downloaded from urls but has no hash/,
  },
];

const withBuilder = (expr: string) => `let v = import ./nix/manifest.nix; in ${expr}`;

describe.skipIf(!nixAvailable)("nix/manifest.nix", () => {
  it.each(ok)("$name", async ({ expr, expected }) => {
    expect(await evalJson({ expr: withBuilder(expr) })).toEqual(expected);
  });

  it.each(failing)("refuses $name with a fix", async ({ expr, message }) => {
    expect(await evalError(withBuilder(expr))).toMatch(message);
  });
});
