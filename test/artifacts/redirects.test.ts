import { describe, expect, it } from "vitest";
import { nextLocation } from "../../src/artifacts/http-source.js";

describe("redirect targets", () => {
  const from = new URL("https://releases.example.org/a/kexec.tar.gz");

  it("resolves relative locations against the current URL", () => {
    expect(nextLocation(from, "../b/k.tar.gz", from.href).href).toBe(
      "https://releases.example.org/b/k.tar.gz",
    );
    expect(nextLocation(new URL("http://a.example/x"), "https://b.example/y", "").href).toBe(
      "https://b.example/y",
    );
  });

  it("refuses a downgrade from https to http, and schemes other than http(s)", () => {
    expect(() => nextLocation(from, "http://mirror.example/k.tar.gz", from.href)).toThrow(
      /from https to plain http/,
    );
    expect(() => nextLocation(from, "file:///etc/shadow", from.href)).toThrow(/unsupported URL/);
    expect(() => nextLocation(from, "ftp://mirror.example/k", from.href)).toThrow(
      /unsupported URL/,
    );
  });
});
