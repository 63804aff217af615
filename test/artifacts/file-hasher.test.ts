import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, rm, type FileHandle } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileHasher } from "../../src/artifacts/file-hasher.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "volplan-hasher-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Runs `use` with a fresh file (opened for reading and writing) and a hasher of it, then closes both.
async function withHasher(
  name: string,
  use: (file: FileHandle, hasher: FileHasher) => Promise<void>,
): Promise<void> {
  const handle = await open(path.join(dir, name), "w+");
  const hasher = new FileHasher(handle.fd);
  try {
    await use(handle, hasher);
  } finally {
    await hasher.close();
    await handle.close();
  }
}

const sha256 = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

describe("FileHasher", () => {
  it("hashes the file's bytes as they are reported written, across many steps", async () => {
    await withHasher("steps", async (handle, hasher) => {
      const parts = [randomBytes(3), randomBytes(5 * 1024 * 1024 + 7), randomBytes(1000)];
      let written = 0;
      for (const part of parts) {
        await handle.write(part, 0, part.length, written);
        written += part.length;
        hasher.advance(written);
      }
      expect(await hasher.digest(written)).toBe(sha256(Buffer.concat(parts)));
    });
  });

  it("hashes only the first bytes asked for", async () => {
    await withHasher("prefix", async (handle, hasher) => {
      const data = randomBytes(4096);
      await handle.write(data, 0, data.length, 0);
      expect(await hasher.digest(100)).toBe(sha256(data.subarray(0, 100)));
    });
  });

  it("fails the digest, with the offset, when the file is shorter than the bytes reported", async () => {
    await withHasher("short", async (handle, hasher) => {
      await handle.write(Buffer.alloc(10), 0, 10, 0);
      await expect(hasher.digest(20)).rejects.toThrow(/ends at byte 10, before byte 20/);
    });
  });

  it("fails a digest asked for after it was closed instead of waiting forever", async () => {
    await withHasher("closed", async (_handle, hasher) => {
      await hasher.close();
      await expect(hasher.digest(0)).rejects.toThrow(/hashing thread stopped/);
    });
  });
});
