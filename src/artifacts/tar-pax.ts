// pax extended header records ("LEN key=value\n"): the fields volplan honours.

/** Overrides a pax or GNU long-name member carries for the next member. */
export interface PaxFields {
  readonly path?: string;
  readonly linkPath?: string;
  readonly size?: number;
}

/** Parses pax records, keeping path, linkpath and size; throws on malformed records. */
export function parsePax(data: Buffer): PaxFields {
  let fields: PaxFields = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString("latin1"));
    if (
      space === -1 ||
      !Number.isSafeInteger(length) ||
      length <= space - at ||
      at + length > data.length
    ) {
      throw new Error("corrupt pax header record");
    }
    const record = data.subarray(space + 1, at + length - 1).toString("utf8");
    const equals = record.indexOf("=");
    if (equals === -1) throw new Error("corrupt pax header record (no '=')");
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === "path") fields = { ...fields, path: value };
    else if (key === "linkpath") fields = { ...fields, linkPath: value };
    else if (key === "size") {
      if (!/^\d+$/.test(value)) throw new Error(`corrupt pax size "${value}"`);
      fields = { ...fields, size: Number(value) };
    }
    at += length;
  }
  return fields;
}
