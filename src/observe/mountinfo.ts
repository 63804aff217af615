// Parses /proc/self/mountinfo (proc(5)) into mounts.

/** One line of mountinfo. */
export interface Mount {
  /** Device "major:minor" as the kernel prints it (decimal). */
  readonly device: string;
  readonly mountPoint: string;
  readonly type: string;
  readonly source: string;
}

/** Every mount in the text, in order (later lines are mounted over earlier ones). */
export function parseMountinfo(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split("\n")) {
    const mount = parseLine(line);
    if (mount !== null) mounts.push(mount);
  }
  return mounts;
}

// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue"
function parseLine(line: string): Mount | null {
  const fields = line.split(" ");
  const separator = fields.indexOf("-", 6);
  const device = fields[2];
  const mountPoint = fields[4];
  const type = fields[separator + 1];
  const source = fields[separator + 2];
  if (separator === -1 || device === undefined || mountPoint === undefined) return null;
  if (type === undefined || !/^\d+:\d+$/.test(device)) return null;
  return {
    device,
    mountPoint: unescapeOctal(mountPoint),
    type: unescapeOctal(type),
    source: unescapeOctal(source ?? ""),
  };
}

/** Undoes the kernel's \ooo escaping of space, tab, newline and backslash. */
export function unescapeOctal(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}
