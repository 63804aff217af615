import { lstat, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchArtifacts, type FetchResult } from "../../src/artifacts/fetch-artifacts.js";
import { observeArtifacts } from "../../src/observe/artifacts.js";
import type { FetchOutcome } from "../../src/artifacts/fetch-one.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { digest, makeKexecTarball, type Tarball } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

const FILE = "nixos-kexec-installer-noninteractive-x86_64-linux.tar.gz";
const MiB = 1024 * 1024;

let server: TestServer;
let tarball: Tarball;
let stateDir: string;

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(6);
});

afterAll(async () => {
  await server.close();
});

beforeEach(async () => {
  stateDir = await tempDir("volplan-state-");
  server.routes.clear();
  server.requests.length = 0;
  server.bytesServed = 0;
});

function kexec(urls: string[], extra: Record<string, unknown> = {}) {
  return desiredWith(stateDir, { kexec: { urls, hash: tarball.sri, fileName: FILE, ...extra } })
    .desired;
}

function outcomeOf(results: FetchResult[]): FetchOutcome {
  const [result] = results;
  if (result === undefined) return expect.fail("no result");
  if (!result.ok) return expect.fail(String(result.error));
  return result.outcome;
}

function errorOf(results: FetchResult[]): Error {
  const [result] = results;
  if (result === undefined || result.ok) return expect.fail("expected a failure");
  return result.error as Error;
}

async function fetchAll(desired: ReturnType<typeof kexec>, verify = false) {
  return fetchArtifacts({ stateDir, artifacts: desired.artifacts, tuning: FAST, verify });
}

async function partials(): Promise<string[]> {
  return readdir(path.join(stateDir, "cache", "partial")).catch(() => []);
}

describe("artifact fetch", () => {
  it("downloads, verifies and installs read-only under sha256/<hex>/<fileName>; a warm run sends no request", async () => {
    server.routes.set("/kexec.tar.gz", { body: tarball.body });
    const desired = kexec([`${server.url}/kexec.tar.gz`]);
    const first = outcomeOf(await fetchAll(desired));
    expect(first.status).toBe("downloaded");
    expect(first.path).toBe(path.join(stateDir, "cache", "sha256", tarball.hex, FILE));
    expect((await readFile(first.path)).equals(tarball.body)).toBe(true);
    expect((await stat(first.path)).mode & 0o777).toBe(0o444);
    expect((await stat(path.dirname(first.path))).mode & 0o777).toBe(0o755);
    expect(await partials()).toEqual([]);
    const index = JSON.parse(await readFile(path.join(stateDir, "cache", "index.json"), "utf8"));
    expect(index.entries[first.path].hash).toBe(tarball.hex);

    server.requests.length = 0;
    const warm = outcomeOf(await fetchAll(desired));
    expect(warm.status).toBe("cached");
    const observed = await observeArtifacts(desired);
    expect(observed.kexec?.state).toBe("verified");
    expect(server.requests).toHaveLength(0);

    const verified = outcomeOf(await fetchAll(desired, true));
    expect(verified.status).toBe("verified");
    expect(server.requests).toHaveLength(0);
  });

  it("resumes a connection dropped mid-body with Range and If-Range, re-sending at most 1 MiB", async () => {
    server.routes.set("/k", { body: tarball.body, dropAfter: 3 * MiB });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(outcome.status).toBe("downloaded");
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.range).toMatch(/^bytes=\d+-$/);
    expect(server.requests[1]?.ifRange).not.toBeNull();
    expect(server.bytesServed - tarball.body.length).toBeLessThanOrEqual(MiB);
  });

  it("resumes a chunked transfer (no Content-Length) whose connection drops", async () => {
    server.routes.set("/k", { body: tarball.body, dropAfter: 2 * MiB, noLength: true });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
    expect(server.requests.map((r) => r.range)).toEqual([
      null,
      expect.stringMatching(/^bytes=\d+-$/),
    ]);
  });

  it("restarts from zero when the server ignores Range, and still installs the right bytes", async () => {
    server.routes.set("/k", { body: tarball.body, dropAfter: 2 * MiB, ignoreRange: true });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(server.bytesServed).toBe(2 * MiB + tarball.body.length);
  });

  it("does not claim a resume when the server ignores Range and the partial is started over", async () => {
    server.routes.set("/k", { body: tarball.body, stallAfter: MiB });
    errorOf(await fetchAll(kexec([`${server.url}/k`])));
    server.routes.set("/k", { body: tarball.body, ignoreRange: true });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(outcome.resumedFrom).toBe(0);
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
  });

  it("falls back to the next mirror after a 404", async () => {
    server.routes.set("/good", { body: tarball.body });
    const outcome = outcomeOf(
      await fetchAll(kexec([`${server.url}/missing`, `${server.url}/good`])),
    );
    expect(outcome.url).toBe(`${server.url}/good`);
    expect(server.requests.map((r) => r.path)).toEqual(["/missing", "/good"]);
  });

  it("leaves no empty partial behind when no mirror answers with the file", async () => {
    const error = errorOf(await fetchAll(kexec([`${server.url}/missing`, "http://127.0.0.1:1/k"])));
    expect(error.message).toContain("HTTP 404");
    expect(await partials()).toEqual([]);
  });

  it("lets two concurrent fetches of one artifact download it once (the global lock serializes them)", async () => {
    server.routes.set("/k", { body: tarball.body });
    const desired = kexec([`${server.url}/k`]);
    const [a, b] = await Promise.all([fetchAll(desired), fetchAll(desired)]);
    const statuses = [outcomeOf(a).status, outcomeOf(b).status].sort();
    expect(statuses).toEqual(["cached", "downloaded"]);
    expect(server.requests).toHaveLength(1);
    expect((await readFile(outcomeOf(a).path)).equals(tarball.body)).toBe(true);
  });

  it("keeps a partial from the second mirror when the first one is down, and resumes it there", async () => {
    server.routes.set("/k", { body: tarball.body, stallAfter: MiB });
    errorOf(await fetchAll(kexec([`${server.url}/k`])));
    server.routes.set("/k", { body: tarball.body });
    server.bytesServed = 0;
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/dead`, `${server.url}/k`])));
    expect(outcome.resumedFrom).toBe(MiB);
    expect(server.bytesServed).toBe(tarball.body.length - MiB);
  });

  it("resumes with a plain Range when the server sends neither ETag nor Last-Modified (the pinned hash checks the file)", async () => {
    server.routes.set("/k", { body: tarball.body, stallAfter: MiB, noValidators: true });
    errorOf(await fetchAll(kexec([`${server.url}/k`])));
    server.routes.set("/k", { body: tarball.body, noValidators: true });
    server.requests.length = 0;
    server.bytesServed = 0;
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(outcome.resumedFrom).toBe(MiB);
    expect(server.requests).toEqual([{ path: "/k", range: `bytes=${MiB}-`, ifRange: null }]);
    expect(server.bytesServed).toBe(tarball.body.length - MiB);
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
  });

  it("starts over once when a resumed file does not match the pinned hash", async () => {
    const other = Buffer.from(tarball.body);
    other.fill(0, 0, MiB);
    server.routes.set("/k", { body: other, stallAfter: MiB, noValidators: true });
    errorOf(await fetchAll(kexec([`${server.url}/k`])));
    server.routes.set("/k", { body: tarball.body, noValidators: true });
    server.requests.length = 0;
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(outcome.resumedFrom).toBe(0);
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${MiB}-`, null]);
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
  });

  it("resumes bytes another mirror sent, and fails without a third try when the restart mismatches too", async () => {
    server.routes.set("/a", { body: tarball.body, stallAfter: MiB });
    errorOf(await fetchAll(kexec([`${server.url}/a`])));
    const wrong = Buffer.from(tarball.body);
    wrong.fill(0, 2 * MiB, 3 * MiB);
    server.routes.set("/b", { body: wrong });
    server.requests.length = 0;
    const error = errorOf(await fetchAll(kexec([`${server.url}/b`])));
    expect(error.message).toContain(digest(wrong).sri);
    expect(server.requests.map((r) => r.range)).toEqual([`bytes=${MiB}-`, null]);
    expect(await partials()).toEqual([]);
  });

  it("follows a redirect", async () => {
    server.routes.set("/moved", { body: Buffer.alloc(0), redirectTo: "/k" });
    server.routes.set("/k", { body: tarball.body });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/moved`])));
    expect(outcome.status).toBe("downloaded");
  });

  it("gives up after 5 redirects and tries the next mirror", async () => {
    server.routes.set("/loop", { body: Buffer.alloc(0), redirectTo: "/loop" });
    server.routes.set("/k", { body: tarball.body });
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/loop`, `${server.url}/k`])));
    expect(outcome.url).toBe(`${server.url}/k`);
    expect(server.requests.filter((r) => r.path === "/loop")).toHaveLength(6);
  });

  it("refuses wrong bytes: both SRI hashes and the likely cause, nothing installed, no partial left", async () => {
    const wrong = Buffer.concat([tarball.body.subarray(0, 1000), Buffer.from("tampered")]);
    server.routes.set("/k", { body: wrong });
    const error = errorOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(error.message).toContain(tarball.sri);
    expect(error.message).toContain(digest(wrong).sri);
    expect(error.message).toContain("re-uploads release assets under the same URL");
    expect(await partials()).toEqual([]);
    await expect(lstat(path.join(stateDir, "cache", "sha256", tarball.hex))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it("stops early when the body exceeds the declared size", async () => {
    server.routes.set("/k", { body: tarball.body });
    const error = errorOf(await fetchAll(kexec([`${server.url}/k`], { size: 1000 })));
    expect(error.message).toContain("more than the declared size of 1000 bytes");
    const partial = path.join(stateDir, "cache", "partial", `${tarball.hex}.part`);
    expect(
      await stat(partial).then(
        (s) => s.size,
        () => 0,
      ),
    ).toBe(0);
    await expect(lstat(path.join(stateDir, "cache", "sha256", tarball.hex))).rejects.toThrow(
      /ENOENT/,
    );
  });

  it("gives up on a stalled server after the idle timeout, keeping a resumable partial", async () => {
    server.routes.set("/k", { body: tarball.body, stallAfter: MiB });
    const error = errorOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(error.message).toContain("no data for 1000 ms");
    expect(await partials()).toContain(`${tarball.hex}.part`);
    const observed = await observeArtifacts(kexec([`${server.url}/k`]));
    expect(observed.kexec?.partialBytes).toBe(MiB);

    server.routes.set("/k", { body: tarball.body });
    server.bytesServed = 0;
    const outcome = outcomeOf(await fetchAll(kexec([`${server.url}/k`])));
    expect(outcome.resumedFrom).toBe(MiB);
    expect(server.bytesServed).toBe(tarball.body.length - MiB);
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
  });

  it("copies file: URLs with the same verification and refuses non-regular files", async () => {
    const dir = await tempDir("volplan-src-");
    const source = path.join(dir, "k.tar.gz");
    await writeFile(source, tarball.body);
    const outcome = outcomeOf(await fetchAll(kexec([`file://${dir}/`, `file://${source}`])));
    expect(outcome.url).toBe(`file://${source}`);
    expect((await readFile(outcome.path)).equals(tarball.body)).toBe(true);
    await rm(path.join(stateDir, "cache"), { recursive: true });
    const refused = errorOf(await fetchAll(kexec([`file://${dir}/`])));
    expect(refused.message).toContain("is not a regular file");
    await rm(dir, { recursive: true });
  });
});
