// The change lines of qcow2 actions say what qemu-img does and that the filesystem is not inspected;
// plans holding them validate against the plan schema.
import { describe, expect, it } from "vitest";
import validatePlan from "../../src/generated/validate-plan.js";
import { plan } from "../../src/plan/plan.js";
import { changeLines } from "../../src/render/change-lines.js";
import {
  GIB,
  desiredState,
  desiredVolume,
  observedFile,
  seedImage,
  snapshotWith,
} from "../plan/builders.js";

const BASE = "/nix/store/abc-base.img";

function planned() {
  const volumes = [
    desiredVolume({ id: "a/new", imageFormat: "qcow2", growFilesystem: "guest" }),
    desiredVolume({
      id: "b/overlay",
      imageFormat: "qcow2",
      growFilesystem: "guest",
      seed: { from: BASE, mode: "backing" },
    }),
    desiredVolume({ id: "c/grow", imageFormat: "qcow2", growFilesystem: "guest", size: 16 * GIB }),
    desiredVolume({
      id: "d/blank",
      imageFormat: "qcow2",
      growFilesystem: "none",
      format: { type: "none" },
    }),
  ];
  const desired = desiredState({ volumes });
  const image = {
    format: "qcow2" as const,
    version: 3,
    virtualSize: 8 * GIB,
    clusterSize: 65536,
    backing: null,
    dirty: false,
    corrupt: false,
    unsupported: null,
  };
  return plan(
    desired,
    snapshotWith({
      desired,
      seeds: [seedImage(BASE, { image: { format: "raw" } })],
      volumes: { "c/grow": { entry: observedFile({ filesystem: null, image }) } },
    }),
  );
}

describe("change lines of qcow2 volumes", () => {
  it("name the qcow2 image, the overlay's base and the resize", () => {
    const result = planned();
    expect(validatePlan(JSON.parse(JSON.stringify(result)))).toBe(true);
    expect(changeLines(result.actions).map((l) => `${l.symbol} ${l.subject}: ${l.detail}`)).toEqual(
      [
        "+ a/new: new 8 GiB qcow2 image with ext4 inside (not inspected later)",
        `+ b/overlay: new 8 GiB qcow2 overlay backed by ${BASE} (raw); thin overlay: ${BASE} must stay where it is, unchanged, for as long as the volume exists`,
        "~ c/grow: 8 GiB → 16 GiB (qcow2 virtual size, qemu-img resize; filesystem grown by the guest)",
        "+ d/blank: new 8 GiB empty qcow2 image",
      ],
    );
  });
});
