// --only selectors narrow a manifest to some volumes and artifacts; a selector naming nothing is an error.
import { describe, expect, it } from "vitest";
import { selectDesired } from "../../src/manifest/select.js";
import type { DesiredState } from "../../src/manifest/desired.js";
import { desiredState, desiredVolume } from "../helpers/desired.js";

const base: DesiredState = {
  ...desiredState({
    volumes: [
      desiredVolume({ id: "web/root", path: "/v/web-root.img" }),
      desiredVolume({ id: "web/data", path: "/v/web-data.img" }),
      desiredVolume({ id: "db/root", path: "/v/db-root.img" }),
    ],
  }),
  artifacts: [
    { name: "kexec", source: { kind: "store-path", path: "/nix/store/k" }, hash: null, size: null },
  ],
};

function picked(selectors: string[]) {
  const selected = selectDesired(base, selectors);
  if (!selected.ok) return selected.message;
  return [
    ...selected.desired.volumes.map((v) => v.id),
    ...selected.desired.artifacts.map((a) => `artifact ${a.name}`),
  ];
}

describe("selectDesired", () => {
  it.each([
    { selectors: [], want: ["db/root", "web/data", "web/root", "artifact kexec"] },
    { selectors: ["volumes"], want: ["db/root", "web/data", "web/root"] },
    { selectors: ["artifacts"], want: ["artifact kexec"] },
    { selectors: ["volume:web/"], want: ["web/data", "web/root"] },
    { selectors: ["volume:db/root", "artifact:kexec"], want: ["db/root", "artifact kexec"] },
  ])("$selectors selects $want", ({ selectors, want }) => {
    expect(picked(selectors)).toEqual(want);
  });

  it.each([
    { selectors: ["volume:web"], want: "--only volume:web: the manifest declares no volume 'web'" },
    { selectors: ["volume:wev/"], want: "did you mean 'volume:web/'?" },
    { selectors: ["volume:db/rot"], want: "did you mean 'volume:db/root'?" },
    { selectors: ["artifact:kexc"], want: "did you mean 'artifact:kexec'?" },
    { selectors: ["vm:web"], want: "'vm:web' is not a selector; use volumes, artifacts" },
  ])("$selectors is refused: $want", ({ selectors, want }) => {
    expect(picked(selectors)).toEqual(expect.stringContaining(want));
  });
});
