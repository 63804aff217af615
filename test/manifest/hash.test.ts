import { describe, expect, it } from "vitest";
import {
  describeSha256Problem,
  parseSha256,
  sriFromHex,
  toNix32,
} from "../../src/manifest/hash.js";

// Verified with `nix-hash --type sha256 --to-base32 HEX` and `nix hash to-sri --type sha256 HEX` (Nix 2.8.0).
const VECTORS = [
  {
    input: "(empty)",
    hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    nix32: "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
    sri: "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
  },
  {
    input: "abc",
    hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    nix32: "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
    sri: "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
  },
  {
    input: "hello world",
    hex: "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9",
    nix32: "1sfdxziarxw8j3p80lvswgpq9i7smdyxmmsj5sjhhgjdjfwjfkdr",
    sri: "sha256-uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
  },
];

describe.each(VECTORS)("sha256 of $input", ({ hex, nix32, sri }) => {
  it.each([
    hex,
    hex.toUpperCase(),
    nix32,
    sri,
    `sha256:${hex}`,
    `sha256:${nix32}`,
    `sha256:${sri.slice(7)}`,
  ])("parses %s", (text) => {
    expect(parseSha256(text)).toEqual({ hex, sri });
  });

  it("converts hex to SRI and nix32", () => {
    expect(sriFromHex(hex)).toBe(sri);
    expect(toNix32(hex)).toBe(nix32);
    expect(describeSha256Problem(sri)).toBeNull();
  });
});

describe("malformed hashes", () => {
  const { hex, nix32, sri } = VECTORS[0]!;
  it.each([
    ["", "hex"],
    [hex.slice(1), "needs 64 characters; it has 63"],
    [`${hex}0`, "needs 64"],
    [nix32.slice(1), "nix32"],
    [`${nix32.slice(0, 51)}e`, "alphabet"],
    [`z${nix32.slice(1)}`, "starting with 0 or 1"],
    [sri.slice(0, -2), "needs 44 characters; it has 42"],
    [`${sri.slice(0, -1)}!`, "base64"],
    [`sha256:${hex.slice(2)}`, 'after "sha256:"'],
    [
      "sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==",
      "sha512",
    ],
    ["md5:d41d8cd98f00b204e9800998ecf8427e", "md5"],
  ])("refuses %j and says why", (text, words) => {
    expect(parseSha256(text)).toBeNull();
    expect(describeSha256Problem(text)).toContain(words);
  });
});
