// Rules for qcow2 volumes the schema cannot express: what only a qcow2 image can do, and what
// volplan does not do inside one.
import type { VolumeCheck } from "./check-format.js";
import { isRecord } from "./guards.js";
import { error, pointer } from "./issue.js";

/** Appends the issues of a volume's imageFormat and seed.mode combined with its other options. */
export function checkImageFormat(input: VolumeCheck): void {
  const { id, volume, issues } = input;
  const name = `volume ${JSON.stringify(id)}`;
  const qcow2 = volume.imageFormat === "qcow2";
  const mode = isRecord(volume.seed) ? volume.seed.mode : undefined;
  if (mode === "backing" && !qcow2) {
    issues.push(
      error(
        pointer("volumes", id, "seed", "mode"),
        `${name}: seed.mode "backing" makes a qcow2 overlay whose backing file is the base image, but the volume's imageFormat is ${JSON.stringify(volume.imageFormat ?? "raw")}.`,
        `Set imageFormat = "qcow2", or set seed.mode = "copy" (or remove it) to copy the base image.`,
      ),
    );
  }
  if (!qcow2) return;
  if (volume.allocation === "preallocate" || volume.allocation === "zero") {
    issues.push(
      error(
        pointer("volumes", id, "allocation"),
        `${name}: allocation ${JSON.stringify(volume.allocation)} is declared for a qcow2 image; volplan makes qcow2 images sparse (they take space as the guest writes).`,
        `Remove allocation, or use imageFormat "raw" for an image allocated up front.`,
      ),
    );
  }
  if (volume.growFilesystem === "host") {
    issues.push(
      error(
        pointer("volumes", id, "growFilesystem"),
        `${name}: growFilesystem "host" is declared for a qcow2 image, but volplan does not read or resize the filesystem inside a qcow2 image.`,
        `Set growFilesystem = "guest" and let the guest grow it at boot (for example x-systemd.growfs, or growPartition for a partitioned disk), or use imageFormat "raw".`,
      ),
    );
  }
}
