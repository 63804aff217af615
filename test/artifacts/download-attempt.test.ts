// A mirror's announced size is its claim, not a fact about the artifact: a mirror that announces
// more than the cache has room for is left for the next one, as one announcing more than the
// declared size is; only the bytes, checked against the pinned hash, decide.
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fetchArtifacts } from "../../src/artifacts/fetch-artifacts.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";

const TiB = 1024 ** 4;

describe("a mirror that announces a size it does not send", () => {
  let server: TestServer;
  let tarball: Tarball;
  let stateDir: string;
  beforeAll(async () => {
    server = await startTestServer();
    tarball = await makeKexecTarball(1);
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(async () => {
    stateDir = await tempDir("volplan-state-");
    server.routes.clear();
  });

  it("is left for the next mirror when its claim does not fit above the reserve", async () => {
    server.routes.set("/liar", { body: tarball.body, claimLength: 64 * TiB, stallAfter: 0 });
    server.routes.set("/k", { body: tarball.body });
    const urls = [`${server.url}/liar`, `${server.url}/k`];
    const { desired } = desiredWith(stateDir, { kexec: { urls, hash: tarball.sri } });
    const [result] = await fetchArtifacts({
      stateDir,
      artifacts: desired.artifacts,
      tuning: FAST,
      reserve: 0,
    });
    expect(result?.ok, String(result?.ok === false ? result.error : "")).toBe(true);
    expect(result?.ok === true ? path.dirname(result.outcome.path) : "").toBe(
      path.join(stateDir, "cache", "sha256", tarball.hex),
    );
  });
});
