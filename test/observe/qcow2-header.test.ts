// volplan reads qcow2 headers in-process (observe runs no command): what it reads must be what
// qemu-img itself reports, and a crafted header must never make it read out of bounds or trust
// an offset, a length or a feature it does not understand.
import { readFile, writeFile } from "node:fs/promises";
import { statSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { parseQcow2, QCOW2_MAX_HEAD_BYTES } from "../../src/observe/qcow2/header.js";
import { readImageHeader } from "../../src/observe/qcow2/read.js";
import { probeImageSync, syncReader } from "../../src/observe/sync-reader.js";
import type { FoundImage } from "../../src/plan/snapshot.js";
import { makeImage } from "../helpers/images.js";
import { qemuImg, qemuInfo } from "../helpers/qemu-img.js";
import type { QemuInfo } from "../helpers/qemu-img.js";
import { tempDir } from "../helpers/temp-dir.js";

const MiB = 1024 * 1024;
let dir: string;
const at = (name: string) => path.join(dir, name);

// What qemu-img info says, in the shape volplan's reader gives.
function expected(info: QemuInfo): FoundImage {
  const data = info["format-specific"]?.data;
  return {
    format: "qcow2",
    version: data?.compat === "0.10" ? 2 : 3,
    virtualSize: info["virtual-size"],
    clusterSize: info["cluster-size"] ?? -1,
    backing:
      info["backing-filename"] === undefined
        ? null
        : { file: info["backing-filename"], format: info["backing-filename-format"] ?? null },
    dirty: info["dirty-flag"] ?? false,
    corrupt: data?.corrupt ?? false,
    unsupported: null,
  };
}

function read(file: string): FoundImage | null {
  return probeImageSync(file, statSync(file));
}

// Sets incompatible feature bits of a version 3 header in place (byte 79 holds bits 0-7).
async function setIncompatible(file: string, bits: number): Promise<void> {
  const bytes = await readFile(file);
  bytes[79] = (bytes[79] ?? 0) | bits;
  await writeFile(file, bytes);
}

beforeAll(async () => {
  dir = await tempDir("volplan-qcow2-header-");
  await makeImage({ file: at("base.raw"), type: "ext4", size: 64 * MiB, label: "base" });
});

describe("qcow2 headers as qemu-img info reports them", () => {
  // Arguments name files relative to the scratch directory as "@name".
  const cases: [string, string[]][] = [
    ["a fresh version 3 image", ["create", "-f", "qcow2", "@v3.qcow2", "1G"]],
    [
      "a version 2 (compat 0.10) image",
      ["create", "-f", "qcow2", "-o", "compat=0.10", "@v2.qcow2", "64M"],
    ],
    ["512-byte clusters", ["create", "-f", "qcow2", "-o", "cluster_size=512", "@c512.qcow2", "8M"]],
    ["2 MiB clusters", ["create", "-f", "qcow2", "-o", "cluster_size=2M", "@c2m.qcow2", "3G"]],
    [
      "extended L2 entries",
      ["create", "-f", "qcow2", "-o", "extended_l2=on,cluster_size=128k", "@l2.qcow2", "1G"],
    ],
    [
      "zstd compression",
      ["create", "-f", "qcow2", "-o", "compression_type=zstd", "@zstd.qcow2", "1G"],
    ],
    [
      "a raw backing file",
      ["create", "-f", "qcow2", "-b", "@base.raw", "-F", "raw", "@over.qcow2", "128M"],
    ],
    [
      "a version 2 overlay",
      [
        "create",
        "-f",
        "qcow2",
        "-o",
        "compat=0.10",
        "-b",
        "@base.raw",
        "-F",
        "raw",
        "@over2.qcow2",
        "64M",
      ],
    ],
    [
      "a long backing file name",
      [
        "create",
        "-f",
        "qcow2",
        "-u",
        "-b",
        `/${"d".repeat(200)}/${"b".repeat(200)}.img`,
        "-F",
        "raw",
        "@long.qcow2",
        "1M",
      ],
    ],
    [
      "a backing file name in 2 MiB clusters",
      [
        "create",
        "-f",
        "qcow2",
        "-o",
        "cluster_size=2M",
        "-u",
        "-b",
        "/nix/store/base.qcow2",
        "-F",
        "qcow2",
        "@c2mb.qcow2",
        "1M",
      ],
    ],
    ["a converted ext4 image", ["convert", "-f", "raw", "-O", "qcow2", "@base.raw", "@conv.qcow2"]],
  ];

  it.each(cases)("%s", async (_name, args) => {
    const real = args.map((arg) => (arg.startsWith("@") ? at(arg.slice(1)) : arg));
    await qemuImg(real);
    const file = real.at(real[0] === "convert" ? -1 : -2) as string;
    expect(read(file)).toEqual(expected(await qemuInfo(file)));
  });

  it("an image grown with qemu-img resize, and an overlay of a qcow2 image", async () => {
    await qemuImg(["create", "-f", "qcow2", at("grown.qcow2"), "64M"]);
    await qemuImg(["resize", "-f", "qcow2", at("grown.qcow2"), "5G"]);
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-b",
      at("grown.qcow2"),
      "-F",
      "qcow2",
      at("chain.qcow2"),
      "6G",
    ]);
    for (const file of [at("grown.qcow2"), at("chain.qcow2")])
      expect(read(file)).toEqual(expected(await qemuInfo(file)));
    expect(read(at("chain.qcow2"))).toMatchObject({
      virtualSize: 6 * 1024 ** 3,
      backing: { file: at("grown.qcow2"), format: "qcow2" },
    });
  });

  it.each([
    ["dirty", 1, { dirty: true, corrupt: false }],
    ["corrupt", 2, { dirty: false, corrupt: true }],
  ] as const)("the %s bit", async (name, bit, flags) => {
    const file = at(`${name}.qcow2`);
    await qemuImg(["create", "-f", "qcow2", "-o", "lazy_refcounts=on", file, "1G"]);
    await setIncompatible(file, bit);
    const info = await qemuInfo(file);
    expect(read(file)).toEqual(expected(info));
    expect(read(file)).toMatchObject(flags);
  });

  it("a raw file (even one that holds a filesystem) is raw", async () => {
    expect(read(at("base.raw"))).toEqual({ format: "raw" });
    expect((await qemuInfo(at("base.raw"), "raw")).format).toBe("raw");
    await writeFile(at("empty.raw"), "");
    expect(read(at("empty.raw"))).toEqual({ format: "raw" });
  });

  it("marks images whose data or keys live elsewhere as unsupported", async () => {
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-o",
      `data_file=${at("data.raw")}`,
      at("ext.qcow2"),
      "1M",
    ]);
    expect(read(at("ext.qcow2"))).toMatchObject({
      format: "qcow2",
      unsupported: "its data is kept in an external data file",
    });
    // An encrypted image (crypt_method 1, AES, as older QEMU wrote them): qemu-img says so too.
    // Why not a LUKS image from qemu-img create: its key derivation is timed against the clock.
    await qemuImg(["create", "-f", "qcow2", at("aes.qcow2"), "1M"]);
    const bytes = await readFile(at("aes.qcow2"));
    bytes.writeUInt32BE(1, 32);
    await writeFile(at("aes.qcow2"), bytes);
    expect((await qemuInfo(at("aes.qcow2")))["format-specific"]?.data).toMatchObject({
      encrypt: { format: "aes" },
    });
    expect(read(at("aes.qcow2"))).toMatchObject({
      format: "qcow2",
      unsupported: "it is encrypted",
    });
    await qemuImg(["create", "-f", "qcow2", at("future.qcow2"), "1M"]);
    await setIncompatible(at("future.qcow2"), 0x80);
    expect(read(at("future.qcow2"))).toMatchObject({
      unsupported: "it uses incompatible features volplan does not know (0x80)",
    });
  });

  it("never follows a symlink to the image", async () => {
    const { symlink } = await import("node:fs/promises");
    await symlink(at("v3.qcow2"), at("link.qcow2"));
    expect(
      syncReader.probeImage({ path: at("link.qcow2"), expect: statSync(at("v3.qcow2")) }),
    ).toBeNull();
  });
});

describe("crafted qcow2 headers", () => {
  let fresh: Buffer;
  let overlay: Buffer;
  beforeAll(async () => {
    await qemuImg(["create", "-f", "qcow2", at("craft.qcow2"), "1G"]);
    await qemuImg([
      "create",
      "-f",
      "qcow2",
      "-u",
      "-b",
      "/base.img",
      "-F",
      "raw",
      at("craft-over.qcow2"),
      "1G",
    ]);
    fresh = await readFile(at("craft.qcow2"));
    overlay = await readFile(at("craft-over.qcow2"));
  });

  // The verdict for `bytes` with `change` applied, read through the bounded reader.
  function verdict(bytes: Buffer, change: (b: Buffer) => void, size = bytes.length): FoundImage {
    const copy = Buffer.from(bytes);
    change(copy);
    return readImageHeader((length) => copy.subarray(0, Math.min(length, size)), size);
  }

  it.each([
    ["version 4", (b: Buffer) => b.writeUInt32BE(4, 4), /version 4/],
    ["2^30-byte clusters", (b: Buffer) => b.writeUInt32BE(30, 20), /cluster size/],
    [
      "a backing name far beyond the file",
      (b: Buffer) => b.writeBigUInt64BE(2n ** 60n, 8),
      /first cluster/,
    ],
    ["a 5000-byte backing name", (b: Buffer) => b.writeUInt32BE(5000, 16), /out of bounds/],
    [
      "a backing name inside the header",
      (b: Buffer) => b.writeBigUInt64BE(16n, 8),
      /out of bounds/,
    ],
    [
      "a header length that is not a multiple of 8",
      (b: Buffer) => b.writeUInt32BE(105, 100),
      /multiple of 8/,
    ],
    ["a virtual size of 2^63", (b: Buffer) => b.writeBigUInt64BE(2n ** 63n, 24), /2\^53/],
    [
      "an extension longer than the cluster",
      (b: Buffer) => b.writeUInt32BE(0xffffffff, b.readUInt32BE(100) + 4),
      /runs past/,
    ],
    ["a NUL in the backing name", (b: Buffer) => b.writeUInt8(0, b.readUInt32BE(12) + 3), /NUL/],
    [
      "a backing format name of 20 bytes",
      // The first extension (the backing format) starts where the header ends.
      (b: Buffer) => b.writeUInt32BE(20, b.readUInt32BE(100) + 4),
      /format name/,
    ],
  ])("refuses to trust %s", (_name, change, problem) => {
    const found = verdict(overlay, change);
    expect(found.format).toBe("unreadable");
    expect(found.format === "unreadable" && found.problem).toMatch(problem);
  });

  it("reads a backing name of 0 bytes as no backing file, as QEMU does", async () => {
    const found = verdict(overlay, (b) => b.writeUInt32BE(0, 16));
    expect(found).toMatchObject({ format: "qcow2", backing: null });
    const file = at("craft-empty-backing.qcow2");
    const copy = Buffer.from(overlay);
    copy.writeUInt32BE(0, 16);
    await writeFile(file, copy);
    expect((await qemuInfo(file))["backing-filename"]).toBeUndefined();
  });

  it("refuses a header cut short, and a backing name past the end of the file", () => {
    expect(verdict(fresh, () => undefined, 50)).toMatchObject({ format: "unreadable" });
    const end = overlay.readUInt32BE(12) + 4;
    expect(verdict(overlay, () => undefined, end)).toMatchObject({
      format: "unreadable",
      problem: "the backing file name lies beyond the end of the file",
    });
  });

  it("reads only the file's first bytes, at most a bounded amount, whatever the header says", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(1023), value: fc.nat(255) }), { maxLength: 24 }),
        fc.constantFrom(fresh, overlay),
        (patches, original) => {
          const bytes = Buffer.from(original);
          for (const p of patches) bytes[p.at] = p.value;
          const asked: number[] = [];
          const found = readImageHeader((length) => {
            asked.push(length);
            return bytes.subarray(0, length);
          }, bytes.length);
          expect(asked.length).toBeLessThanOrEqual(3);
          for (const length of asked) expect(length).toBeLessThanOrEqual(QCOW2_MAX_HEAD_BYTES);
          if (found.format === "qcow2") {
            expect(Number.isSafeInteger(found.virtualSize)).toBe(true);
            expect(found.backing === null || !found.backing.file.includes("\0")).toBe(true);
          }
        },
      ),
      { seed: 14, numRuns: 2000 },
    );
  });

  it("asks for more bytes only within the bounds it checked", () => {
    expect(parseQcow2(fresh.subarray(0, 2), fresh.length)).toEqual({ need: 4 });
    expect(parseQcow2(fresh.subarray(0, 64), fresh.length)).toEqual({ need: 104 });
  });
});

describe("observe: volumes declared qcow2", () => {
  it("reports the virtual size, the header and no filesystem; a raw volume's file is never read as qcow2", async () => {
    const { observe } = await import("../../src/observe/observe.js");
    const { desiredState, desiredVolume } = await import("../helpers/desired.js");
    await qemuImg(["create", "-f", "qcow2", at("vol.qcow2"), "3G"]);
    const snapshot = await observe(
      desiredState({
        volumes: [
          desiredVolume({
            id: "q",
            path: at("vol.qcow2"),
            size: 3 * 1024 ** 3,
            imageFormat: "qcow2",
            seed: { from: at("conv.qcow2"), mode: "backing" },
          }),
          desiredVolume({ id: "r", path: at("base.raw"), size: 64 * MiB }),
        ],
      }),
    );
    const q = snapshot.volumes.q?.entry;
    expect(q).toMatchObject({ type: "file", size: 3 * 1024 ** 3, filesystem: null });
    expect(q?.type === "file" ? q.image : null).toEqual(expected(await qemuInfo(at("vol.qcow2"))));
    expect(q?.type === "file" && q.allocated).toBeLessThan(MiB);
    const r = snapshot.volumes.r?.entry;
    expect(r?.type === "file" ? r.image : null).toBeUndefined();
    expect(r?.type === "file" ? r.filesystem?.type : null).toBe("ext4");
    expect(snapshot.seeds[at("conv.qcow2")]?.image).toMatchObject({
      format: "qcow2",
      virtualSize: 64 * MiB,
    });
    expect(snapshot.seeds[at("conv.qcow2")]?.resolved).toBeUndefined();
  });

  it("reads a seed named through a symlink at its target, and records where it leads", async () => {
    const { observe } = await import("../../src/observe/observe.js");
    const { desiredState, desiredVolume } = await import("../helpers/desired.js");
    const { symlink } = await import("node:fs/promises");
    await symlink(at("conv.qcow2"), at("seed-link"));
    const snapshot = await observe(
      desiredState({
        volumes: [
          desiredVolume({
            id: "q",
            path: at("linked.qcow2"),
            size: 3 * 1024 ** 3,
            imageFormat: "qcow2",
            seed: { from: at("seed-link"), mode: "backing" },
          }),
        ],
      }),
    );
    expect(snapshot.seeds[at("seed-link")]).toMatchObject({
      exists: true,
      resolved: at("conv.qcow2"),
      image: { format: "qcow2", virtualSize: 64 * MiB },
    });
  });
});
