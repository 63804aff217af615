// The floor of a no-op plan's per-volume work, as a program: for every volume of the manifest
// named by argv[2], open the image, fstat it, read its first 4 KiB and close it (what observe
// must do at the least to compare an image with its declaration), nothing else.
import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from "node:fs";

const manifest = JSON.parse(readFileSync(process.argv[2], "utf8"));
const buffer = Buffer.alloc(4096);
const flags = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
for (const volume of Object.values(manifest.volumes)) {
  const fd = openSync(volume.path, flags);
  fstatSync(fd);
  readSync(fd, buffer, 0, buffer.length, 0);
  closeSync(fd);
}
