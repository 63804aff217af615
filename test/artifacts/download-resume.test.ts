import { describe, expect, it } from "vitest";
import { currentBoot, resumableBytes } from "../../src/artifacts/download-resume.js";
import type { PartialMeta } from "../../src/artifacts/partial-meta.js";

const fresh = { primed: false, bytes: 100 * 1024 * 1024 };
const meta = (over: Partial<PartialMeta>): PartialMeta => ({
  url: "https://example.org/k.tar.gz",
  etag: '"e"',
  lastModified: null,
  bytes: fresh.bytes,
  synced: 64 * 1024 * 1024,
  boot: currentBoot(),
  ...over,
});

describe("resumableBytes", () => {
  it("keeps every byte this process wrote itself", () => {
    expect(resumableBytes({ primed: true, bytes: 5 }, null)).toBe(5);
  });

  it("keeps a partial left by a killed process of this boot whole", () => {
    if (currentBoot() === null)
      return expect(resumableBytes(fresh, meta({}))).toBe(64 * 1024 * 1024);
    expect(resumableBytes(fresh, meta({}))).toBe(fresh.bytes);
  });

  it("after a reboot keeps only the synced bytes, and none when nothing was synced", () => {
    const rebooted = "00000000-0000-0000-0000-000000000000";
    expect(resumableBytes(fresh, meta({ boot: rebooted }))).toBe(64 * 1024 * 1024);
    expect(resumableBytes(fresh, meta({ boot: null, synced: null }))).toBe(0);
    expect(resumableBytes({ primed: false, bytes: 10 }, meta({ boot: rebooted }))).toBe(10);
  });

  it("keeps a partial from another URL (the pinned hash checks the joined file), none without metadata", () => {
    const other = resumableBytes(fresh, meta({ url: "https://mirror.example/k" }));
    expect(other).toBe(currentBoot() === null ? 64 * 1024 * 1024 : fresh.bytes);
    expect(resumableBytes(fresh, null)).toBe(0);
  });
});
