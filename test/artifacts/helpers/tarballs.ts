// Test tarballs: a kexec installer with the real layout (system tar + gzip), and hostile ones from a tiny ustar writer.
import { execa } from "execa";
import { randomBytes, createHash } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

/** A generated kexec tarball and its sha256. */
export interface Tarball {
  readonly body: Buffer;
  readonly hex: string;
  readonly sri: string;
}

/** sha256 of a buffer in hex and SRI. */
export function digest(body: Buffer): { hex: string; sri: string } {
  const hash = createHash("sha256").update(body);
  const raw = hash.digest();
  return { hex: raw.toString("hex"), sri: `sha256-${raw.toString("base64")}` };
}

/** kexec/{bzImage,initrd,run,kexec,ip} with random (incompressible) contents, about `mib` MiB in all. */
export async function makeKexecTarball(mib = 4): Promise<Tarball> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "volplan-kexec-"));
  const kexec = path.join(dir, "kexec");
  await mkdir(kexec);
  const unit = Math.floor((mib * 1024 * 1024) / 4);
  await writeFile(path.join(kexec, "bzImage"), randomBytes(unit * 2));
  await writeFile(path.join(kexec, "initrd"), randomBytes(unit));
  await writeFile(path.join(kexec, "run"), "#!/bin/sh\nset -e\necho kexec run\n");
  await writeFile(path.join(kexec, "kexec"), randomBytes(unit / 2));
  await writeFile(path.join(kexec, "ip"), randomBytes(unit / 2));
  for (const exe of ["run", "kexec", "ip"]) await chmod(path.join(kexec, exe), 0o755);
  const out = path.join(dir, "kexec.tar.gz");
  await execa("tar", ["-C", dir, "-czf", out, "kexec"], { timeout: 60_000 });
  const body = await readFile(out);
  await rm(dir, { recursive: true, force: true });
  return { body, ...digest(body) };
}

/** One entry for the ustar writer. */
export interface TarSpec {
  readonly name: string;
  readonly type: "file" | "dir" | "symlink" | "hardlink" | "fifo" | "pax";
  readonly body?: Buffer;
  readonly link?: string;
  readonly mode?: number;
}

const TYPE_FLAG = {
  file: "0",
  dir: "5",
  symlink: "2",
  hardlink: "1",
  fifo: "6",
  pax: "x",
} as const;

/** A pax extended header body: "LEN key=value\n" records. */
export function paxRecords(fields: Record<string, string>): Buffer {
  const records = Object.entries(fields).map(([key, value]) => {
    const rest = ` ${key}=${value}\n`;
    let length = rest.length + 1;
    while (`${length}${rest}`.length !== length) length++;
    return `${length}${rest}`;
  });
  return Buffer.from(records.join(""), "utf8");
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

function header(spec: TarSpec, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(spec.name, 0, 100, "utf8");
  block.write(octal(spec.mode ?? (spec.type === "dir" ? 0o755 : 0o644), 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(0, 12), 136);
  block.write("        ", 148);
  block.write(TYPE_FLAG[spec.type], 156);
  block.write(spec.link ?? "", 157, 100, "utf8");
  block.write("ustar\0", 257);
  block.write("00", 263);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/** A gzipped ustar archive of the given entries, in order. */
export function writeTarGz(entries: readonly TarSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const spec of entries) {
    const body =
      spec.type === "file" || spec.type === "pax"
        ? (spec.body ?? Buffer.alloc(0))
        : Buffer.alloc(0);
    parts.push(header(spec, body.length), body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(parts));
}
