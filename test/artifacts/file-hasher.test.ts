import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, rm } from "node:fs/promises";
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

describe("FileHasher", () => {
  it("hashes the file's bytes as they are reported written, across many steps", async () => {
    const handle = await open(path.join(dir, "steps"), "w+");
    const hasher = new FileHasher(handle.fd);
    try {
      const parts = [randomBytes(3), randomBytes(5 * 1024 * 1024 + 7), randomBytes(1000)];
      let written = 0;
      for (const part of parts) {
        await handle.write(part, 0, part.length, written);
        written += part.length;
        hasher.advance(written);
      }
      const expected = createHash("sha256").update(Buffer.concat(parts)).digest("hex");
      expect(await hasher.digest(written)).toBe(expected);
    } finally {
      await hasher.close();
      await handle.close();
    }
  });

  it("hashes only the first bytes asked for", async () => {
    const handle = await open(path.join(dir, "prefix"), "w+");
    const hasher = new FileHasher(handle.fd);
    try {
      const data = randomBytes(4096);
      await handle.write(data, 0, data.length, 0);
      const expected = createHash("sha256").update(data.subarray(0, 100)).digest("hex");
      expect(await hasher.digest(100)).toBe(expected);
    } finally {
      await hasher.close();
      await handle.close();
    }
  });

  it("fails the digest, with the offset, when the file is shorter than the bytes reported", async () => {
    const handle = await open(path.join(dir, "short"), "w+");
    const hasher = new FileHasher(handle.fd);
    try {
      await handle.write(Buffer.alloc(10), 0, 10, 0);
      await expect(hasher.digest(20)).rejects.toThrow(/ends at byte 10, before byte 20/);
    } finally {
      await hasher.close();
      await handle.close();
    }
  });

  it("fails a digest asked for after it was closed instead of waiting forever", async () => {
    const handle = await open(path.join(dir, "closed"), "w+");
    const hasher = new FileHasher(handle.fd);
    await hasher.close();
    await expect(hasher.digest(0)).rejects.toThrow(/hashing thread stopped/);
    await handle.close();
  });
});
