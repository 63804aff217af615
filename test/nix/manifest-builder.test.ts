// nix/manifest.nix, the pure builder: tables of Nix expressions and what they evaluate to, each
// table evaluated in one nix-instantiate call.
import { describe, expect, it } from "vitest";
import { evalError, evalJson, nixAvailable } from "./nix-tool.js";

const MiB = 1024 * 1024;
const owned = { owner: "microvm", group: "kvm", mode: "0660" };

interface Case {
  readonly name: string;
  readonly expr: string;
}

// Evaluates every case's expression in one call (over `v`, nix/manifest.nix), once per table.
function evaluateAll(cases: readonly Case[]): () => Promise<Record<string, unknown>> {
  let result: Promise<Record<string, unknown>> | undefined;
  const fields = cases.map((c, i) => `c${i} = ${c.expr};`).join("\n");
  return () =>
    (result ??= evalJson({
      expr: `let v = import ./nix/manifest.nix; in { ${fields} }`,
    }) as Promise<Record<string, unknown>>);
}

// Each case is a Nix expression over `v` and the JSON it must evaluate to.
const ok: (Case & { expected: unknown })[] = [
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
    name: "passes imageFormat and seed.mode through",
    expr: `v.mkManifest { volumes = {
      clone = { path = "/i/clone.qcow2"; size = "8GiB"; imageFormat = "qcow2"; seed = { from = "/nix/store/x-base.img"; mode = "backing"; }; };
      copy = { path = "/i/copy.img"; size = "8GiB"; imageFormat = null; seed = { from = "/nix/store/x-base.img"; mode = null; }; };
    }; }`,
    expected: {
      version: 1,
      volumes: {
        clone: {
          path: "/i/clone.qcow2",
          size: "8GiB",
          imageFormat: "qcow2",
          seed: { from: "/nix/store/x-base.img", mode: "backing" },
        },
        copy: { path: "/i/copy.img", size: "8GiB", seed: { from: "/nix/store/x-base.img" } },
      },
    },
  },
  {
    name: "maps a microvm.nix guest: MiB sizes, state directory, autoCreate = false skipped",
    expr: `v.fromMicrovm {
      name = "web"; stateDir = "/var/lib/microvms";
      volumes = [
        { image = "root.img"; size = 2048; label = "root"; mountPoint = "/"; }
        { image = "store.img"; size = 1024; fsType = "btrfs"; mountPoint = "/nix/.rw-store"; mkfsExtraArgs = [ "-K" ]; }
        { image = "/srv/vm/gone.img"; size = 10; autoCreate = false; }
        { image = "/srv/shared/logs.img"; size = 512; fsType = "xfs"; }
        { image = "boot.img"; size = 64; fsType = "vfat"; label = "BOOT"; }
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
        size: 512 * MiB,
        format: { type: "xfs" },
        growFilesystem: "host",
        ...owned,
      },
      "web/boot": {
        path: "/var/lib/microvms/web/boot.img",
        size: 64 * MiB,
        format: { type: "vfat", label: "BOOT" },
        ...owned,
      },
    },
  },
  {
    name: "grows every xfs and btrfs guest volume on the host, not only the store overlay",
    expr: `v.fromMicrovm { name = "db"; writableStoreOverlay = "/nix/.rw-store"; volumes = [
      { image = "pgdata.img"; size = 20480; fsType = "xfs"; mountPoint = "/var/lib/postgresql"; }
      { image = "cache.img"; size = 4096; fsType = "btrfs"; mountPoint = "/var/cache"; }
      { image = "ext.img"; size = 4096; fsType = "ext4"; mountPoint = "/srv"; }
    ]; }`,
    expected: {
      "db/pgdata": {
        path: "/var/lib/microvms/db/pgdata.img",
        size: 20480 * MiB,
        format: { type: "xfs" },
        growFilesystem: "host",
        ...owned,
      },
      "db/cache": {
        path: "/var/lib/microvms/db/cache.img",
        size: 4096 * MiB,
        format: { type: "btrfs" },
        growFilesystem: "host",
        ...owned,
      },
      "db/ext": {
        path: "/var/lib/microvms/db/ext.img",
        size: 4096 * MiB,
        format: { type: "ext4" },
        ...owned,
      },
    },
  },
  {
    name: "maps images under /dev to block devices: checked for size, never formatted or chowned",
    expr: `v.fromMicrovm { name = "db"; volumes = [
      { image = "/dev/zvol/tank/db-wal"; size = 10240; fsType = "xfs"; label = "wal"; }
      { image = "/dev/vg0/db-data"; size = 1; imageType = "qcow2"; }
    ]; }`,
    expected: {
      "db/db-wal": { kind: "block-device", path: "/dev/zvol/tank/db-wal", size: 10240 * MiB },
      "db/db-data": { kind: "block-device", path: "/dev/vg0/db-data", size: MiB },
    },
  },
  {
    name: "maps a cloud-hypervisor guest's qcow2 volumes to qcow2 images whose filesystem the guest grows",
    expr: `v.fromMicrovm { name = "ch"; hypervisor = "cloud-hypervisor"; volumes = [
      { image = "root.img"; size = 1024; label = "root"; mountPoint = "/"; }
      { image = "data.qcow2"; size = 2048; imageType = "qcow2"; label = "data"; mountPoint = "/data"; }
      { image = "logs.qcow2"; size = 512; imageType = "qcow2"; fsType = "xfs"; mkfsExtraArgs = [ "-m" "reflink=0" ]; mountPoint = "/var/log"; }
      { image = "/srv/old.qcow2"; size = 10; imageType = "qcow2"; autoCreate = false; }
    ]; }`,
    expected: {
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
      // No growFilesystem = "host": volplan does not resize inside a qcow2 image.
      "ch/logs.qcow2": {
        path: "/var/lib/microvms/ch/logs.qcow2",
        size: 512 * MiB,
        imageFormat: "qcow2",
        format: { type: "xfs", mkfsArgs: ["-m", "reflink=0"] },
        ...owned,
      },
    },
  },
  {
    name: "takes owner, group and mode for a guest's images",
    expr: `v.fromMicrovm { name = "a"; owner = "qemu"; group = 992; mode = "0600"; volumes = [
      { image = "d.img"; size = 8; }
    ]; }`,
    expected: {
      "a/d": {
        path: "/var/lib/microvms/a/d.img",
        size: 8 * MiB,
        format: { type: "ext4" },
        owner: "qemu",
        group: 992,
        mode: "0600",
      },
    },
  },
  {
    name: "merges several guests into one manifest",
    expr: `v.mkManifest { microvms = [
      { name = "a"; volumes = [ { image = "d.img"; size = 8; } ]; }
      { name = "b"; stateDir = "/vms"; volumes = [ { image = "d.img"; size = 8; } ]; }
    ]; }`,
    expected: {
      version: 1,
      volumes: {
        "a/d": {
          path: "/var/lib/microvms/a/d.img",
          size: 8 * MiB,
          format: { type: "ext4" },
          ...owned,
        },
        "b/d": { path: "/vms/b/d.img", size: 8 * MiB, format: { type: "ext4" }, ...owned },
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

// buildManifest arguments it must not throw on, and the problems it must report (in order),
// each naming the object and saying what to do.
const problems: (Case & { expected: RegExp[] })[] = [
  {
    name: "an image shared by two VMs",
    expr: `{ microvms = [
      { name = "a"; volumes = [ { image = "/srv/shared.img"; size = 8; } ]; }
      { name = "b"; volumes = [ { image = "/srv/shared.img"; size = 8; } ]; }
    ]; }`,
    expected: [
      /^volumes a\/shared and b\/shared use the same image \/srv\/shared\.img.*Give each its own image path, or .*autoCreate = false/,
    ],
  },
  {
    name: "two volumes on one path",
    expr: `{ volumes = { a = { path = "/x.img"; size = 1; }; b = { path = "/x.img"; size = 1; }; }; }`,
    expected: [/^volumes a and b use the same image \/x\.img/],
  },
  {
    name: "a relative path without imageDir",
    expr: `{ volumes.a = { path = "a.img"; size = 1; }; }`,
    expected: [/^volume a: path "a\.img" is relative.*pass imageDir/],
  },
  {
    name: "a path with ..",
    expr: `{ volumes.a = { path = "/srv/../etc/a.img"; size = 1; }; }`,
    expected: [/^volume a: path "\/srv\/\.\.\/etc\/a\.img" has a "\.\." component/],
  },
  {
    name: "a size volplan cannot read",
    expr: `{ volumes.a = { path = "/a.img"; size = "20 gigs"; }; }`,
    expected: [/^volume a: size "20 gigs" is not a size.*"20GiB"/],
  },
  {
    name: "both size and sizeMiB",
    expr: `{ volumes.a = { path = "/a.img"; size = 1; sizeMiB = 1; }; }`,
    expected: [/^volume a: both size and sizeMiB are set/],
  },
  {
    name: "a misspelt attribute",
    expr: `{ volumes.a = { path = "/a.img"; size = 1; fromat = "ext4"; }; }`,
    expected: [/^volume a has unknown attribute\(s\) fromat/],
  },
  {
    name: "an integer mode",
    expr: `{ volumes.a = { path = "/a.img"; size = 1; mode = 660; }; }`,
    expected: [/^volume a: mode must be an octal string such as "0660"/],
  },
  {
    name: "a relative stateDir",
    expr: `{ stateDir = "var/lib/volplan"; }`,
    expected: [/^stateDir: path "var\/lib\/volplan" is relative/],
  },
  {
    name: "a microvm volume without an image",
    expr: `{ microvms = [ { name = "a"; volumes = [ { size = 8; } ]; } ]; }`,
    expected: [/^microvm a: a volume has no image\. Set image = "data\.img"/],
  },
  {
    name: "a microvm volume without a size",
    expr: `{ microvms = [ { name = "a"; volumes = [ { image = "x.img"; } ]; } ]; }`,
    expected: [
      /^microvm a: volume "x\.img": size must be a whole number of MiB.*autoCreate = false/,
    ],
  },
  {
    name: "a microvm file system volplan does not create",
    expr: `{ microvms = [ { name = "a"; volumes = [ { image = "x.img"; size = 8; fsType = "zfs"; } ]; } ]; }`,
    expected: [/^microvm a: volume "x\.img": fsType "zfs" is not one volplan creates/],
  },
  {
    name: "a qcow2 volume for a hypervisor that opens it as raw, and an image type volplan does not create",
    expr: `{ microvms = [
      { name = "web"; volumes = [ { image = "root.img"; size = 8; } { image = "data.qcow2"; size = 8; imageType = "qcow2"; } ]; }
      { name = "fc"; hypervisor = "firecracker"; volumes = [ { image = "d.qcow2"; size = 8; imageType = "qcow2"; } ]; }
      { name = "db"; hypervisor = "cloud-hypervisor"; volumes = [ { image = "d.vhdx"; size = 8; imageType = "vhdx"; } ]; }
    ]; volumes.own = { path = "/own.img"; size = 1; }; }`,
    expected: [
      /^microvm web: volume "data\.qcow2": imageType "qcow2" is passed to cloud-hypervisor only; "qemu" opens every volume as raw.*Set imageType = "raw", or hypervisor = "cloud-hypervisor"\.$/,
      /^microvm fc: volume "d\.qcow2": imageType "qcow2" is passed to cloud-hypervisor only; "firecracker" opens/,
      /^microvm db: volume "d\.vhdx": imageType "vhdx" is not one volplan creates \(raw, qcow2\)\. .*autoCreate = false/,
    ],
  },
  {
    name: "a guest declared twice",
    expr: `{ microvms = [ { name = "a"; volumes = [ ]; } { name = "a"; volumes = [ ]; } ]; }`,
    expected: [/^microvm a is declared 2 times\. Keep one declaration per VM name\./],
  },
  {
    name: "two images of one guest with the same file name",
    expr: `{ microvms = [ { name = "a"; volumes = [ { image = "/srv/1/d.img"; size = 8; } { image = "/srv/2/d.img"; size = 8; } ]; } ]; }`,
    expected: [/^microvm a: two volumes map to the id a\/d .*Rename one image file/],
  },
  {
    name: "labels microvm.nix passes to mkfs but volplan cannot create (lower-case vfat, 17-byte ext4, 13-byte xfs)",
    expr: `{ microvms = [ { name = "web"; volumes = [
      { image = "boot.img"; size = 64; fsType = "vfat"; label = "boot"; }
      { image = "root.img"; size = 64; label = "a-label-17-bytes!"; }
      { image = "data.img"; size = 512; fsType = "xfs"; label = "thirteen-byte"; }
      { image = "ok.img"; size = 64; label = "sixteen-bytes-ok"; }
    ]; } ]; }`,
    expected: [
      /^microvm web: volume "boot\.img": label = "boot" has lower-case letters .*in the guest's microvm\.volumes/,
      /^microvm web: volume "root\.img": label = "a-label-17-bytes!" is 17 bytes, but ext4 labels hold at most 16.*Shorten the label in the guest's microvm\.volumes/,
      /^microvm web: volume "data\.img": label = "thirteen-byte" is 13 bytes, but xfs labels hold at most 12/,
    ],
  },
  {
    name: "a guest image too small for its file system",
    expr: `{ microvms = [ { name = "db"; volumes = [ { image = "pg.img"; size = 256; fsType = "xfs"; } ]; } ]; }`,
    expected: [
      /^microvm db: volume "pg\.img": size = 256 \(MiB\) is below the 314572800 bytes mkfs needs for xfs\. Set size to at least 300/,
    ],
  },
  {
    name: "artifacts with both urls and path, or urls without a hash",
    expr: `{ artifacts = {
      both = { urls = [ "https://x/k" ]; hash = "sha256-x"; path = "/nix/store/x-k"; };
      nohash.urls = [ "https://x/k" ];
    }; }`,
    expected: [
      /^artifact both sets both urls and path/,
      /^artifact nohash is downloaded from urls but has no hash/,
    ],
  },
];

const evaluateOk = evaluateAll(ok);
const evaluateProblems = evaluateAll(
  problems.map((c) => ({ name: c.name, expr: `(v.buildManifest ${c.expr}).problems` })),
);

describe.skipIf(!nixAvailable)("nix/manifest.nix", () => {
  it.each(ok.map((c, i) => ({ ...c, key: `c${i}` })))("$name", async ({ key, expected }) => {
    expect((await evaluateOk())[key]).toEqual(expected);
  });

  it.each(problems.map((c, i) => ({ ...c, key: `c${i}` })))(
    "reports $name with a fix, without throwing",
    async ({ key, expected }) => {
      const found = (await evaluateProblems())[key] as string[];
      expect(found).toEqual(expected.map((re): unknown => expect.stringMatching(re)));
    },
  );

  it.each([
    {
      name: "mkManifest",
      expr: `v.mkManifest { volumes.a = { path = "a.img"; size = 1; }; artifacts.k.urls = [ "https://x/k" ]; }`,
      message:
        /volplan: 2 problem\(s\) in the manifest:\n\s*- volume a: path "a\.img" is relative.*\n\s*- artifact k is downloaded from urls but has no hash/,
    },
    {
      name: "fromMicrovm",
      expr: `v.fromMicrovm { name = "a"; volumes = [ { image = "x.img"; size = 8; imageType = "vhd"; } ]; }`,
      message:
        /volplan: 1 problem\(s\) in microvm a:\n\s*- microvm a: volume "x\.img": imageType "vhd"/,
    },
    {
      name: "fromMicrovms",
      expr: `v.fromMicrovms [
        { name = "a"; volumes = [ { image = "/srv/s.img"; size = 8; } ]; }
        { name = "b"; volumes = [ { image = "/srv/s.img"; size = 8; } ]; }
      ]`,
      message:
        /volplan: 1 problem\(s\) in the microvm guests:\n\s*- volumes a\/s and b\/s use the same image/,
    },
  ])("$name throws one message listing every problem", async ({ expr, message }) => {
    expect(await evalError(`let v = import ./nix/manifest.nix; in ${expr}`)).toMatch(message);
  });
});
