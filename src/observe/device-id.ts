// Device numbers as "major:minor", the id volplan gives every host filesystem.

/** Splits a Linux dev_t as glibc's major()/minor() do and prints "major:minor". */
export function deviceId(dev: number | bigint): string {
  const d = BigInt(dev);
  const major = ((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn);
  const minor = (d & 0xffn) | ((d >> 12n) & ~0xffn);
  return `${major}:${minor}`;
}
