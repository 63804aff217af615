import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchArtifacts } from "../../src/artifacts/fetch-artifacts.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let server: TestServer;
let tarball: Tarball;

beforeAll(async () => {
  server = await startTestServer();
  tarball = await makeKexecTarball(1);
});

afterAll(async () => {
  await server.close();
});

// 20 bytes/s against a minimum of 1 KiB/s over 300 ms windows: the idle timeout (1 s) never fires.
const DRIPPING = { ...FAST, minBytesPerSecond: 1024, slowWindowMs: 300 };

describe("a mirror that drips bytes", () => {
  it("is abandoned after one window below the minimum rate, and the next mirror is used", async () => {
    server.routes.set("/drip", { body: tarball.body, pace: { bytes: 1, everyMs: 50 } });
    server.routes.set("/good", { body: tarball.body });
    const stateDir = await tempDir("volplan-state-");
    const { desired } = desiredWith(stateDir, {
      kexec: { urls: [`${server.url}/drip`, `${server.url}/good`], hash: tarball.sri },
    });
    const [result] = await fetchArtifacts({
      stateDir,
      artifacts: desired.artifacts,
      tuning: DRIPPING,
    });
    if (result === undefined || !result.ok) return expect.fail(String(result?.error));
    expect(result.outcome.url).toBe(`${server.url}/good`);
    expect((await readFile(result.outcome.path)).equals(tarball.body)).toBe(true);
    // Not retried: a dripping mirror would hold the host lock for each retry's window again.
    expect(server.requests.map((r) => r.path)).toEqual(["/drip", "/good"]);
  });

  it("fails with a message naming the rate when it is the only mirror", async () => {
    server.routes.set("/drip", { body: tarball.body, pace: { bytes: 1, everyMs: 50 } });
    const stateDir = await tempDir("volplan-state-");
    const { desired } = desiredWith(stateDir, {
      kexec: { urls: [`${server.url}/drip`], hash: tarball.sri },
    });
    const [result] = await fetchArtifacts({
      stateDir,
      artifacts: desired.artifacts,
      tuning: DRIPPING,
    });
    if (result === undefined || result.ok) return expect.fail("expected the fetch to fail");
    expect(String(result.error)).toMatch(
      /\/drip: sent \d+ B in 0\.3 s, below the minimum of 1 KiB\/s; abandoned for the next mirror/,
    );
  });
});
