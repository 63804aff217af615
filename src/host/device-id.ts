// Device numbers as "major:minor", the id volplan gives every host filesystem.

/** Splits a Linux dev_t as glibc's major()/minor() do and prints "major:minor". */
export function deviceId(dev: number | bigint): string {
  // Observe calls this for every image: dev_t values below 2^32 (nearly all) are split with
  // 32-bit arithmetic, without the half-dozen BigInts of the general case.
  if (typeof dev === "number" && dev >= 0 && dev < 2 ** 32 && Number.isInteger(dev)) {
    return `${(dev >>> 8) & 0xfff}:${(dev & 0xff) | ((dev >>> 12) & 0xfff00)}`;
  }
  const d = BigInt(dev);
  // Major: bits 8..19 and 44..63; minor: bits 0..7 and 20..43.
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n);
  const minor = (d & 0xffn) | ((d >> 12n) & 0xffffff00n);
  return `${major}:${minor}`;
}
