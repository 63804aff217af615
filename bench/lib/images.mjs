// Builds many small, identical, in-sync ext4 images quickly: one mkfs, then hole-preserving copies.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, openSync, closeSync, ftruncateSync } from "node:fs";
import path from "node:path";

const PER_DIR = 10;

function run(file, args) {
  execFileSync(file, args, { stdio: ["ignore", "ignore", "pipe"], timeout: 600_000 });
}

/**
 * Creates `count` ext4 images of `size` bytes under `dir` (`dir/dNNNN/vN.img`, mode 0600):
 * one mkfs.ext4, `cp --sparse=always` into a first directory, then `cp -r --sparse=always` of that
 * directory, so 10,000 images take about a thousand processes rather than ten thousand.
 * Returns the image paths in order.
 */
export function makeExt4Images({ dir, count, size }) {
  const base = path.join(dir, "base.img");
  const fd = openSync(base, "w", 0o600);
  ftruncateSync(fd, size);
  closeSync(fd);
  // No journal: the images stay about 100 KiB each, so 10,000 of them fit on a small disk.
  run("mkfs.ext4", ["-F", "-q", "-O", "^has_journal", base]);
  chmodSync(base, 0o600);
  const first = path.join(dir, "d0000");
  mkdirSync(first);
  for (let i = 0; i < PER_DIR; i++)
    run("cp", ["--sparse=always", base, path.join(first, `v${i}.img`)]);
  const dirs = Math.ceil(count / PER_DIR);
  for (let d = 1; d < dirs; d++) {
    run("cp", ["-r", "--sparse=always", first, path.join(dir, `d${String(d).padStart(4, "0")}`)]);
  }
  const paths = [];
  for (let i = 0; i < count; i++) {
    const d = String(Math.floor(i / PER_DIR)).padStart(4, "0");
    paths.push(path.join(dir, `d${d}`, `v${i % PER_DIR}.img`));
  }
  return paths;
}
