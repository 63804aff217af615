// Intent records: what a volplan run is about to do to an image that a kill could leave half
// done (an ext check and resize), kept in <stateDir>/intents until the step has finished.

/** One intent record, as written before the step and read by the next run's observe. */
export interface Intent {
  /** What was begun: an e2fsck then resize2fs of the filesystem in the image. */
  readonly step: "resize2fs";
  readonly path: string;
  /** The image's "major:minor" and inode when the step began. */
  readonly device: string;
  readonly ino: number;
  readonly pid: number;
  readonly startedAt: string;
}

/** The record's file name for an image: one per image (device and inode), never two. */
export function intentFileName(device: string, ino: number): string {
  return `resize2fs-${device.replace(":", "_")}-${ino}.json`;
}

/** The record's contents. */
export function intentText(intent: Intent): string {
  return `${JSON.stringify(intent)}\n`;
}

/** A record read back, or null when it is not one volplan wrote (anything else there is ignored). */
export function parseIntent(text: string): Intent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  const ok =
    v["step"] === "resize2fs" &&
    typeof v["path"] === "string" &&
    typeof v["device"] === "string" &&
    /^\d+:\d+$/.test(v["device"]) &&
    Number.isSafeInteger(v["ino"]) &&
    Number.isSafeInteger(v["pid"]) &&
    typeof v["startedAt"] === "string";
  if (!ok) return null;
  return {
    step: "resize2fs",
    path: v["path"] as string,
    device: v["device"] as string,
    ino: v["ino"] as number,
    pid: v["pid"] as number,
    startedAt: v["startedAt"] as string,
  };
}
