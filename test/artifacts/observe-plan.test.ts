import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { recordObservedHashes } from "../../src/artifacts/cache-index.js";
import { cacheLayout } from "../../src/host/state-layout.js";
import { observeArtifacts } from "../../src/observe/artifacts.js";
import { encodeNix32 } from "../../src/manifest/nix32.js";
import { planArtifacts } from "../../src/plan/artifacts.js";
import { desiredWith } from "./helpers/manifest.js";
import { digest } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

const BODY = Buffer.from("a kexec tarball stand-in\n");
const { hex, sri } = digest(BODY);
const nix32 = encodeNix32(Buffer.from(hex, "hex"));
const FILE = "nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz";

let stateDir: string;
let store: string;

beforeEach(async () => {
  stateDir = await tempDir("volplan-state-");
  store = await tempDir("volplan-store-");
});

async function observeAndPlan(artifacts: Record<string, unknown>, record = false) {
  const { desired, warnings } = desiredWith(stateDir, artifacts);
  const observed = await observeArtifacts(desired);
  // What apply does under the lock after observing: record the hashes observe computed.
  if (record) await recordObservedHashes(cacheLayout(stateDir), observed);
  return { observed, actions: planArtifacts({ artifacts: desired.artifacts, observed }), warnings };
}

describe("observe and plan artifacts", () => {
  it("resolves every hash notation to the same cache path", async () => {
    const notations = [sri, `sha256:${hex}`, `sha256:${nix32}`, hex, nix32];
    const paths = new Set<string>();
    for (const hash of notations) {
      const { observed, actions } = await observeAndPlan({
        kexec: { urls: ["https://example.org/k.tar.gz"], hash, fileName: FILE },
      });
      paths.add(observed.kexec?.path ?? "");
      expect(actions[0]).toMatchObject({ kind: "artifact-fetch", hash: sri });
    }
    expect([...paths]).toEqual([path.join(stateDir, "cache", "sha256", hex, FILE)]);
  });

  it("plans a fetch that resumes a partial and budgets only the bytes still missing", async () => {
    await mkdir(path.join(stateDir, "cache", "partial"), { recursive: true });
    await writeFile(path.join(stateDir, "cache", "partial", `${hex}.part`), Buffer.alloc(10));
    const { actions } = await observeAndPlan({
      kexec: { urls: ["https://example.org/k.tar.gz"], hash: sri, size: 100 },
    });
    expect(actions[0]).toMatchObject({
      kind: "artifact-fetch",
      resume_from: 10,
      consumes: { bytes: 90 },
    });
    const unsized = await observeAndPlan({
      kexec: { urls: ["https://example.org/k.tar.gz"], hash: sri },
    });
    expect(unsized.actions[0]).toMatchObject({
      kind: "artifact-fetch",
      consumes: { bytes: 0, size_unknown: true },
    });
    expect(unsized.actions[0]?.reason).toContain("size unknown: not declared");
  });

  it("reports a cached file the index does not vouch for as unverified, and a vouched one as ok", async () => {
    const file = path.join(stateDir, "cache", "sha256", hex, FILE);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, BODY);
    const first = await observeAndPlan({
      kexec: { urls: ["https://example.org/k.tar.gz"], hash: sri, fileName: FILE },
    });
    expect(first.observed.kexec?.state).toBe("present-unverified");
    expect(first.actions[0]?.kind).toBe("artifact-fetch");
  });

  it("refuses a cache reached through a symlink", async () => {
    const elsewhere = await tempDir("volplan-elsewhere-");
    await mkdir(path.join(stateDir, "cache"), { recursive: true });
    await symlink(elsewhere, path.join(stateDir, "cache", "sha256"));
    const { actions } = await observeAndPlan({
      kexec: { urls: ["https://example.org/k.tar.gz"], hash: sri },
    });
    expect(actions[0]).toMatchObject({ kind: "artifact-refuse", refusal: "unsafe-cache" });
    expect(actions[0]?.reason).toContain("is a symlink");
  });

  it("uses a store path that exists and matches, hashing it once (then the index vouches)", async () => {
    const file = path.join(store, "kexec.tar.gz");
    await writeFile(file, BODY);
    await mkdir(path.join(stateDir, "cache"), { recursive: true });
    const indexPath = path.join(stateDir, "cache", "index.json");
    // Observing for a plan writes nothing, not even the index.
    const planned = await observeAndPlan({ kexec: { path: file, hash: nix32 } });
    expect(planned.actions[0]).toMatchObject({ kind: "artifact-ok", path: file, hash: sri });
    await expect(readFile(indexPath, "utf8")).rejects.toThrow(/ENOENT/);
    // Apply records the hash observe computed, so later runs trust the index.
    const { actions, warnings } = await observeAndPlan(
      { kexec: { path: file, hash: nix32 } },
      true,
    );
    expect(warnings.map((w) => w.pointer)).toContain("/artifacts/kexec/path");
    expect(actions[0]).toMatchObject({ kind: "artifact-ok", path: file, hash: sri });
    const index = JSON.parse(await readFile(path.join(stateDir, "cache", "index.json"), "utf8"));
    expect(index.entries[file].hash).toBe(hex);
  });

  it("refuses a store path that does not exist, or whose hash differs", async () => {
    const missing = await observeAndPlan({
      kexec: { path: path.join(store, "nope.tar.gz"), hash: sri },
    });
    expect(missing.actions[0]).toMatchObject({
      kind: "artifact-refuse",
      refusal: "store-path-missing",
    });
    const file = path.join(store, "kexec.tar.gz");
    await writeFile(file, "other bytes");
    const wrong = await observeAndPlan({ kexec: { path: file, hash: sri } });
    expect(wrong.actions[0]).toMatchObject({ kind: "artifact-refuse", refusal: "hash-mismatch" });
    expect(wrong.actions[0]?.reason).toContain(digest(Buffer.from("other bytes")).sri);
  });

  it("accepts a store path without a pinned hash as it is", async () => {
    const file = path.join(store, "kexec.tar.gz");
    await writeFile(file, BODY);
    const { actions } = await observeAndPlan({ kexec: { path: file } });
    expect(actions[0]).toMatchObject({ kind: "artifact-ok", hash: null });
  });
});
