import { describe, expect, it } from "vitest";
import { parseManifestText } from "../../src/manifest/load.js";

const HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

function issuesOf(manifest: unknown): { pointer: string; message: string; fix: string }[] {
  const result = parseManifestText(JSON.stringify(manifest), "checks.json");
  return result.ok ? result.warnings : result.issues;
}

function volumes(entries: Record<string, unknown>): unknown {
  return { version: 1, volumes: entries };
}

describe("semantic check messages", () => {
  it.each([
    {
      name: "two volumes on one path name both ids",
      manifest: volumes({
        a: { path: "/v/x.img", size: 512 },
        b: { path: "/v//./x.img/", size: 512 },
      }),
      pointer: "/volumes/b/path",
      words: ['"a"', '"b"', "/v/x.img"],
      fix: ['volume "b"'],
    },
    {
      name: "a size off the sector grid suggests the next multiple",
      manifest: volumes({ a: { path: "/a.img", size: 1000 } }),
      pointer: "/volumes/a/size",
      words: ["1000 bytes", "512-byte sectors"],
      fix: ["1024"],
    },
    {
      name: "a size below the filesystem minimum names the minimum",
      manifest: volumes({ a: { path: "/a.img", size: "100MiB", format: { type: "btrfs" } } }),
      pointer: "/volumes/a/size",
      words: ["btrfs", "114294784 bytes"],
      fix: ["at least 114294784"],
    },
    {
      name: "a path equal to its seed",
      manifest: volumes({ a: { path: "/a.img", size: 512, seed: { from: "//a.img" } } }),
      pointer: "/volumes/a/seed/from",
      words: ["own path"],
      fix: ["base image"],
    },
    {
      name: "a path inside stateDir",
      manifest: { version: 1, volumes: { a: { path: "/var/lib/volplan/a.img", size: 512 } } },
      pointer: "/volumes/a/path",
      words: ["/var/lib/volplan"],
      fix: ["outside"],
    },
    {
      name: "growFilesystem host on swap",
      manifest: volumes({
        a: { path: "/a.img", size: "1GiB", format: { type: "swap" }, growFilesystem: "host" },
      }),
      pointer: "/volumes/a/growFilesystem",
      words: ["swap"],
      fix: ['"guest"'],
    },
    {
      name: "owner and mode of a block device: volplan never sets them, so they cannot be declared",
      manifest: volumes({
        db: { kind: "block-device", path: "/dev/vg/db", size: "10GiB", owner: 65534, mode: "0660" },
      }),
      pointer: "/volumes/db/owner",
      words: ["block device", "owner 65534", "udev"],
      fix: ["Remove owner", "udev rule"],
    },
    {
      name: "growFilesystem host on a raw volume without a seed",
      manifest: volumes({
        a: { path: "/a.img", size: "1GiB", format: { type: "none" }, growFilesystem: "host" },
      }),
      pointer: "/volumes/a/growFilesystem",
      words: ["raw image"],
      fix: ['"guest"'],
    },
    {
      name: "a backing seed on a raw volume: only a qcow2 image has a backing file",
      manifest: volumes({
        a: { path: "/a.img", size: "1GiB", seed: { from: "/base.img", mode: "backing" } },
      }),
      pointer: "/volumes/a/seed/mode",
      words: ['"backing"', "qcow2 overlay", 'imageFormat is "raw"'],
      fix: ['imageFormat = "qcow2"', 'seed.mode = "copy"'],
    },
    {
      name: "a preallocated qcow2 image",
      manifest: volumes({
        a: { path: "/a.qcow2", size: "1GiB", imageFormat: "qcow2", allocation: "preallocate" },
      }),
      pointer: "/volumes/a/allocation",
      words: ['"preallocate"', "qcow2", "sparse"],
      fix: ["Remove allocation", '"raw"'],
    },
    {
      name: "growFilesystem host on a qcow2 image",
      manifest: volumes({
        a: {
          path: "/a.qcow2",
          size: "1GiB",
          imageFormat: "qcow2",
          format: { type: "ext4" },
          growFilesystem: "host",
        },
      }),
      pointer: "/volumes/a/growFilesystem",
      words: ["qcow2", "does not read or resize"],
      fix: ['growFilesystem = "guest"', "x-systemd.growfs"],
    },
    {
      name: "a qcow2 block device",
      manifest: volumes({
        db: { kind: "block-device", path: "/dev/vg/db", size: "10GiB", imageFormat: "qcow2" },
      }),
      pointer: "/volumes/db/imageFormat",
      words: ["block device", 'imageFormat "qcow2"'],
      fix: ["Remove imageFormat"],
    },
    {
      name: "a bare hash of the wrong length says which notation was assumed",
      manifest: {
        version: 1,
        artifacts: { k: { urls: ["https://e.org/k.tar.gz"], hash: HEX.slice(0, 60) } },
      },
      pointer: "/artifacts/k/hash",
      words: ["hex", "64 characters", "it has 60"],
      fix: ["SRI"],
    },
    {
      name: "an SRI hash with a bad character",
      manifest: {
        version: 1,
        artifacts: { k: { urls: ["https://e.org/k"], hash: `sha256-${"!".repeat(43)}=` } },
      },
      pointer: "/artifacts/k/hash",
      words: ["SRI base64", "44 characters"],
      fix: ["sha256-"],
    },
    {
      name: "a hidden default file name",
      manifest: { version: 1, artifacts: { k: { urls: ["https://e.org/.hidden"], hash: HEX } } },
      pointer: "/artifacts/k/fileName",
      words: ['".hidden"', 'starts with "."'],
      fix: ["Set fileName"],
    },
    {
      name: "a default file name that cannot be decoded",
      manifest: { version: 1, artifacts: { k: { urls: ["https://e.org/a%ZZ%E0"], hash: HEX } } },
      pointer: "/artifacts/k/fileName",
      words: ["percent-decoded"],
      fix: ["Set fileName"],
    },
    {
      name: "a world-writable mode",
      manifest: volumes({ a: { path: "/a.img", size: 512, mode: "0777" } }),
      pointer: "/volumes/a/mode",
      words: ["every user"],
      fix: ['"0660"'],
    },
    {
      name: "an unknown top-level key lists the allowed ones",
      manifest: { version: 1, zzz: true },
      pointer: "/zzz",
      words: ['"zzz"'],
      fix: ['"stateDir"', '"volumes"'],
    },
  ])("$name", ({ manifest, pointer, words, fix }) => {
    const issue = issuesOf(manifest).find((i) => i.pointer === pointer);
    expect(issue, JSON.stringify(issuesOf(manifest))).toBeDefined();
    for (const word of words) expect(issue!.message).toContain(word);
    for (const word of fix) expect(issue!.fix).toContain(word);
  });

  it("accepts a block device declared with defaults only", () => {
    const result = parseManifestText(
      JSON.stringify(
        volumes({
          db: {
            kind: "block-device",
            path: "/dev/vg/db",
            size: "10GiB",
            allocation: "sparse",
            format: { type: "none" },
          },
        }),
      ),
      "checks.json",
    );
    expect(result.ok && result.desired.volumes[0]).toMatchObject({
      kind: "block-device",
      growFilesystem: "none",
    });
  });

  it("reports one issue for growFilesystem host on a raw qcow2 volume", () => {
    const manifest = volumes({
      a: { path: "/a.qcow2", size: "1GiB", imageFormat: "qcow2", growFilesystem: "host" },
    });
    expect(issuesOf(manifest).map((i) => i.pointer)).toEqual(["/volumes/a/growFilesystem"]);
  });

  it.each([
    ["ext4", undefined, "guest"],
    ["xfs", undefined, "guest"],
    ["swap", undefined, "none"],
    ["none", undefined, "none"],
    ["ext4", "guest", "guest"],
  ] as const)(
    "fills qcow2 defaults: a %s qcow2 volume with growFilesystem %s is grown by %s; seeds copy unless backing",
    (type, growFilesystem, grower) => {
      const manifest = volumes({
        a: {
          path: "/a.qcow2",
          size: "1GiB",
          imageFormat: "qcow2",
          format: { type },
          seed: { from: "/base.img", mode: "backing" },
          ...(growFilesystem === undefined ? {} : { growFilesystem }),
        },
        b: { path: "/b.img", size: "1GiB", seed: { from: "/base.img" } },
      });
      const result = parseManifestText(JSON.stringify(manifest), "checks.json");
      expect(result.ok && result.desired.volumes).toMatchObject([
        {
          imageFormat: "qcow2",
          growFilesystem: grower,
          seed: { from: "/base.img", mode: "backing" },
        },
        { imageFormat: "raw", growFilesystem: "none", seed: { from: "/base.img", mode: "copy" } },
      ]);
    },
  );

  it("accepts growFilesystem host on a raw volume with a seed: the seed's filesystem is grown", () => {
    const manifest = volumes({
      a: {
        path: "/a.img",
        size: "1GiB",
        format: { type: "none" },
        seed: { from: "/base.img" },
        growFilesystem: "host",
      },
    });
    expect(parseManifestText(JSON.stringify(manifest), "checks.json").ok).toBe(true);
  });
});
