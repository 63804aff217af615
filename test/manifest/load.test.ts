import { mkdtemp, mkdir, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DesiredVolume } from "../../src/manifest/desired.js";
import { loadManifestFile, parseManifestText, type LoadResult } from "../../src/manifest/load.js";

function pointers(result: LoadResult): string[] {
  return result.ok ? result.warnings.map((w) => w.pointer) : result.issues.map((i) => i.pointer);
}

function load(manifest: unknown): LoadResult {
  return parseManifestText(JSON.stringify(manifest), "test.json");
}

function volumeOf(volume: Record<string, unknown>): DesiredVolume {
  const result = load({ version: 1, volumes: { v: { path: "/v.img", size: "1GiB", ...volume } } });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.desired.volumes[0]!;
}

describe("normalization", () => {
  it("fills every default", () => {
    const result = load({ version: 1 });
    expect(result).toEqual({
      ok: true,
      manifest: { version: 1 },
      warnings: [],
      desired: {
        version: 1,
        stateDir: "/var/lib/volplan",
        policy: { reserve: { kind: "percent", percent: 5 }, overcommit: "warn" },
        volumes: [],
        artifacts: [],
      },
    });
  });

  it("fills volume defaults and normalizes the path", () => {
    expect(volumeOf({ path: "/var//lib/./v.img" })).toEqual({
      id: "v",
      kind: "image",
      path: "/var/lib/v.img",
      size: 1024 ** 3,
      imageFormat: "raw",
      allocation: "sparse",
      format: { type: "none", label: null, uuid: null, mkfsArgs: [] },
      seed: null,
      growFilesystem: "none",
      owner: 0,
      group: 0,
      mode: 0o600,
    });
  });

  it.each([
    ["ext2", "host"],
    ["ext3", "host"],
    ["ext4", "host"],
    ["xfs", "guest"],
    ["btrfs", "guest"],
    ["vfat", "none"],
    ["swap", "none"],
    ["none", "none"],
  ])("resolves growFilesystem auto for %s to %s", (type, grow) => {
    expect(volumeOf({ format: { type } }).growFilesystem).toBe(grow);
  });

  it("keeps an explicit growFilesystem and parses octal modes", () => {
    expect(
      volumeOf({ format: { type: "xfs" }, growFilesystem: "host", mode: "0660" }),
    ).toMatchObject({
      growFilesystem: "host",
      mode: 0o660,
    });
    expect(volumeOf({ mode: "755" }).mode).toBe(0o755);
  });

  it.each([
    ["5%", { kind: "percent", percent: 5 }],
    ["2.5%", { kind: "percent", percent: 2.5 }],
    ["2GiB", { kind: "bytes", bytes: 2 * 1024 ** 3 }],
    [0, { kind: "bytes", bytes: 0 }],
    ["0", { kind: "bytes", bytes: 0 }],
    [4096, { kind: "bytes", bytes: 4096 }],
  ])("reads policy.reserve %j", (reserve, expected) => {
    const result = load({ version: 1, policy: { reserve } });
    expect(result.ok && result.desired.policy.reserve).toEqual(expected);
  });

  it("sorts volumes and artifacts by id in code-point order", () => {
    const volume = (name: string) => ({ path: `/${name}.img`, size: 512 });
    const store = { path: "/nix/store/abc-x" };
    const result = load({
      version: 1,
      volumes: {
        b: volume("b"),
        B: volume("B2"),
        a: volume("a"),
        "a/b": volume("ab"),
        _: volume("u"),
      },
      artifacts: { z: store, Z: store, "1": store },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.desired.volumes.map((v) => v.id)).toEqual(["B", "_", "a", "a/b", "b"]);
    expect(result.desired.artifacts.map((a) => a.name)).toEqual(["1", "Z", "z"]);
  });

  it("derives an artifact's file name from its first URL", () => {
    const result = load({
      version: 1,
      artifacts: {
        k: {
          urls: ["https://example.org/dl/nixos%20kexec.tar.gz?x=1", "https://b.example/y"],
          hash: "0".repeat(64),
        },
      },
    });
    expect(result.ok && result.desired.artifacts[0]!.source).toEqual({
      kind: "urls",
      urls: ["https://example.org/dl/nixos%20kexec.tar.gz?x=1", "https://b.example/y"],
      fileName: "nixos kexec.tar.gz",
    });
  });
});

describe("issues", () => {
  it("reports warnings without making the manifest invalid", () => {
    const result = load({
      version: 1,
      volumes: { v: { path: "/v.img", size: "1GiB", mode: "0666" } },
      artifacts: { k: { path: "/srv/kernel" } },
    });
    expect(result.ok).toBe(true);
    expect(pointers(result)).toEqual(["/artifacts/k/path", "/volumes/v/mode"]);
    expect(result.ok && result.warnings.every((w) => w.severity === "warning")).toBe(true);
  });

  it("runs semantic checks on well-formed parts when other parts break the schema", () => {
    const result = load({
      version: 2,
      volumes: { a: { path: "rel.img", size: "1GiB" }, b: { size: 5 } },
    });
    expect(pointers(result)).toEqual([
      "/version",
      "/volumes/a/path",
      "/volumes/b/path",
      "/volumes/b/size",
    ]);
  });

  it("says a size once, not once per schema alternative", () => {
    const result = load({ version: 1, volumes: { a: { path: "/a", size: "12 parsecs" } } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]!.message).toContain(
      'must be a positive whole number of bytes or a string such as "20GiB"',
    );
  });

  it("suggests the closest key and lists enum values", () => {
    const result = load({
      version: 1,
      volumes: { a: { path: "/a", size: 512, alocation: "zero", kind: "blockdevice" } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [unknown, kind] = result.issues;
    expect(unknown!.pointer).toBe("/volumes/a/alocation");
    expect(unknown!.message).toContain('did you mean "allocation"');
    expect(kind!.pointer).toBe("/volumes/a/kind");
    expect(kind!.message).toContain('"image", "block-device"');
    expect(kind!.fix).toContain('"block-device"');
  });

  it("escapes ~ and / in pointers", () => {
    const result = load({
      version: 1,
      volumes: { "web/root": { path: "/a", size: 512, "x~/y": 1 } },
    });
    expect(pointers(result)).toEqual(["/volumes/web~1root/x~0~1y"]);
  });

  it("gives line and column for bad JSON and never a stack trace", () => {
    const result = parseManifestText(
      '{\n  "version": 1,\n  "volumes": {\n    "a": {"path": "/x" "size": 3}\n  }\n}',
      "m.json",
    );
    expect(result).toMatchObject({ ok: false, issues: [{ pointer: "", severity: "error" }] });
    if (result.ok) return;
    expect(result.issues[0]!.message).toMatch(/^m\.json:4:24: not valid JSON: expected "," or "}"/);
    expect(result.issues[0]!.message).not.toMatch(/ at |\n/);
  });

  it("refuses keys written twice, wherever they are", () => {
    const text =
      '{"version":1,"volumes":{"a":{"path":"/a","size":512,"format":{"type":"ext4","mkfsArgs":[{"x":1,"\\u0078":2}]}},"a":{"path":"/b","size":512}}}';
    const result = parseManifestText(text, "dup.json");
    expect(pointers(result)).toEqual(["/volumes/a", "/volumes/a/format/mkfsArgs/0/x"]);
    if (result.ok) return;
    expect(result.issues[0]!.message).toContain('"a" more than once');
  });

  it.each([
    ["", "1:1"],
    ["[".repeat(100_000), `1:${100_001}`],
    ['{"a": tru}', "1:7"],
    ['{"a": 1} x', "1:10"],
    ['{"a": "x\ny"}', "1:9"],
    ["{'a': 1}", "1:2"],
    ["[1,]", "1:4"],
  ])("locates the error in %j at %s", (text, where) => {
    const result = parseManifestText(text, "m.json");
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]!.message).toContain(`m.json:${where}:`);
  });
});

describe("loadManifestFile", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "volplan-manifest-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("loads a file with a UTF-8 byte-order mark", async () => {
    const file = path.join(dir, "bom.json");
    await writeFile(file, '\uFEFF{"version": 1}');
    expect((await loadManifestFile(file)).ok).toBe(true);
  });

  it.each([
    ["missing", () => Promise.resolve(path.join(dir, "nope.json")), "does not exist"],
    [
      "a directory",
      async () => {
        await mkdir(path.join(dir, "sub"), { recursive: true });
        return path.join(dir, "sub");
      },
      "is a directory",
    ],
    [
      "larger than 16 MiB",
      async () => {
        const file = path.join(dir, "big.json");
        await writeFile(file, "");
        await truncate(file, 16 * 1024 * 1024 + 1);
        return file;
      },
      "larger than 16777216 bytes",
    ],
    [
      "a FIFO",
      async () => {
        const file = path.join(dir, "fifo");
        await execa("mkfifo", [file], { timeout: 5000 });
        return file;
      },
      "not a regular file",
    ],
    [
      "not UTF-8",
      async () => {
        const file = path.join(dir, "latin1.json");
        await writeFile(file, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d]));
        return file;
      },
      "not valid UTF-8",
    ],
  ])("reports a manifest that is %s as one issue", async (_name, make, words) => {
    const file = await make();
    const result = await loadManifestFile(file);
    expect(result).toMatchObject({ ok: false, issues: [{ pointer: "", severity: "error" }] });
    if (result.ok) return;
    expect(result.issues).toHaveLength(1);
    expect(result.issues[0]!.message).toContain(file);
    expect(result.issues[0]!.message).toContain(words);
    expect(result.issues[0]!.fix).not.toBe("");
  });
});
