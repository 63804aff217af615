import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchArtifacts } from "../../src/artifacts/fetch-artifacts.js";
import { FAST, desiredWith } from "./helpers/manifest.js";
import { makeKexecTarball, type Tarball } from "./helpers/tarballs.js";
import { tempDir } from "./helpers/temp.js";
import { startTestServer, type TestServer } from "./helpers/test-server.js";

let tarball: Tarball;
const servers: TestServer[] = [];

beforeAll(async () => {
  tarball = await makeKexecTarball(1);
});

afterAll(async () => {
  for (const server of servers) await server.close();
});

// Ports WHATWG fetch refuses outright ("bad port"); curl and volplan reach them.
async function serverOnBadPort(): Promise<TestServer> {
  for (const port of [6667, 10080, 6666, 6668, 6669]) {
    const server = await startTestServer(port).catch(() => null);
    if (server !== null) return server;
  }
  return expect.fail("no port fetch calls bad was free on 127.0.0.1");
}

describe("HTTP source", () => {
  it("downloads from a mirror on a port the fetch standard blocks (6667, 10080, ...)", async () => {
    const server = await serverOnBadPort();
    servers.push(server);
    server.routes.set("/k", { body: tarball.body });
    const stateDir = await tempDir("volplan-state-");
    const { desired } = desiredWith(stateDir, {
      kexec: { urls: [`${server.url}/k`], hash: tarball.sri },
    });
    const [result] = await fetchArtifacts({ stateDir, artifacts: desired.artifacts, tuning: FAST });
    if (result === undefined || !result.ok) return expect.fail(String(result?.error));
    expect(result.outcome.status).toBe("downloaded");
    expect(server.requests.map((r) => r.path)).toEqual(["/k"]);
  });
});
