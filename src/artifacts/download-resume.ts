// How much of a partial download a resume may keep, and the facts about it worth recording.
import { readFileSync } from "node:fs";
import type { PartialMeta } from "./partial-meta.js";
import type { PartialWriter } from "./partial-writer.js";

let bootCache: string | null | undefined;

/** The kernel's id of this boot; null when it cannot be read (then only synced bytes are trusted). */
export function currentBoot(): string | null {
  if (bootCache !== undefined) return bootCache;
  try {
    const text = readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    bootCache = /^[0-9a-f-]{36}$/.test(text) ? text : null;
  } catch {
    bootCache = null;
  }
  return bootCache;
}

/**
 * Bytes of the partial a resume may keep, from whichever URL they came (the pinned hash checks the
 * joined file). Every byte a write returned is in the page cache until the machine goes down, so a
 * partial left by a killed process of this boot is kept whole; after a reboot only the bytes a
 * datasync covered are, since the file may hold zeros past them.
 */
export function resumableBytes(
  writer: Pick<PartialWriter, "primed" | "bytes">,
  meta: PartialMeta | null,
): number {
  if (writer.primed) return writer.bytes;
  if (meta === null) return 0;
  const boot = currentBoot();
  if (boot !== null && meta.boot === boot) return writer.bytes;
  return Math.max(0, Math.min(writer.bytes, meta.synced ?? 0));
}

/** The metadata fields that describe the writer's bytes now. */
export function writerFacts(writer: PartialWriter): Pick<PartialMeta, "bytes" | "synced" | "boot"> {
  return { bytes: writer.bytes, synced: writer.durable, boot: currentBoot() };
}
